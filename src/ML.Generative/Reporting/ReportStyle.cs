namespace ML.Generative.Reporting;

/// <summary>The report page's only style sheet, inlined so the file needs nothing from the network.</summary>
internal static class ReportStyle
{
    // content-box images: the border must not eat into a whole-factor enlargement.
    // Two 540 px charts fit side by side in a 1200 px window; narrower windows wrap to one column.
    public const string Css = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #f3f4f6; color: #111827;
               font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; }
        main { max-width: 1180px; margin: 0 auto; padding: 16px; }
        header { padding: 8px 4px 12px; }
        header h1 { margin: 0; font-size: 26px; font-weight: 650; }
        header p { margin: 2px 0 0; color: #4b5563; }
        nav { display: flex; flex-wrap: wrap; gap: 6px; margin: 10px 0 4px; }
        nav a { font-size: 12px; color: #1d4ed8; background: #e0e7ff; padding: 2px 10px; border-radius: 999px; text-decoration: none; }
        section { background: #ffffff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 14px 18px 18px; margin: 14px 0; }
        section h2 { margin: 0 0 12px; font-size: 17px; font-weight: 600; border-bottom: 1px solid #e5e7eb; padding-bottom: 6px; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 16px; }
        svg.chart { max-width: 100%; height: auto; display: block; }
        .gallery { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
        figure { margin: 0; }
        figure img { display: block; box-sizing: content-box; max-width: 100%; height: auto; border: 1px solid #d1d5db; background: #ffffff; }
        img.pixelated { image-rendering: pixelated; }
        figcaption { font-size: 12px; color: #4b5563; margin-top: 4px; }
        table { border-collapse: collapse; font-size: 13px; min-width: 320px; }
        th, td { padding: 5px 14px; border-bottom: 1px solid #e5e7eb; text-align: left; }
        th { background: #f9fafb; font-weight: 600; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.summary td { font-weight: 600; border-top: 2px solid #d1d5db; }
        pre { margin: 0; padding: 12px; background: #f9fafb; border: 1px solid #e5e7eb; border-radius: 6px;
              font: 12px/1.45 ui-monospace, 'DejaVu Sans Mono', monospace; overflow-x: auto; }
        .after { margin-top: 14px; }
        footer { color: #6b7280; font-size: 12px; text-align: center; padding: 8px 0 20px; }
        """;
}
