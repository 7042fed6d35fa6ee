using System.Globalization;
using System.Text;

namespace ML.Generative.Reporting;

/// <summary>
/// Builds HTML and inline SVG text. Everything that may come from a user (titles, keys, labels, JSON) goes
/// through <see cref="Text"/> or an attribute value, both escaped; only markup this library writes is raw.
/// </summary>
public sealed class HtmlWriter
{
    private readonly StringBuilder _sb = new();

    /// <summary>Escapes text for element content and quoted attribute values: &amp; &lt; &gt; " ' become entities,
    /// and characters HTML forbids (NUL, other C0 controls but tab/newline/CR, lone surrogates) become U+FFFD.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                case '\t' or '\n' or '\r': sb.Append(c); break;
                case < ' ' or '\u007f': sb.Append('\uFFFD'); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        sb.Append(c).Append(text[++i]);
                    }
                    else sb.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A number for SVG coordinates: invariant culture, at most two decimals.</summary>
    public static string Num(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Appends markup this library wrote (never user data).</summary>
    public HtmlWriter Raw(string markup)
    {
        _sb.Append(markup);
        return this;
    }

    /// <summary>Appends user text, escaped.</summary>
    public HtmlWriter Text(string? text)
    {
        _sb.Append(Escape(text));
        return this;
    }

    /// <summary>Appends <c>&lt;tag a="v"…&gt;</c> (or <c>/&gt;</c> when <paramref name="selfClose"/>) with escaped
    /// attribute values; null values are left out.</summary>
    public HtmlWriter Open(string tag, bool selfClose = false, params (string Name, string? Value)[] attributes)
    {
        _sb.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
            if (value is not null) _sb.Append(' ').Append(name).Append("=\"").Append(Escape(value)).Append('"');
        _sb.Append(selfClose ? "/>" : ">");
        return this;
    }

    /// <summary>Appends <c>&lt;tag …&gt;</c>.</summary>
    public HtmlWriter Open(string tag, params (string Name, string? Value)[] attributes) => Open(tag, false, attributes);

    /// <summary>Appends a self-closed element, e.g. an SVG shape.</summary>
    public HtmlWriter Empty(string tag, params (string Name, string? Value)[] attributes) => Open(tag, true, attributes);

    /// <summary>Appends <c>&lt;/tag&gt;</c>.</summary>
    public HtmlWriter Close(string tag)
    {
        _sb.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>Appends a whole element with escaped text content.</summary>
    public HtmlWriter Element(string tag, string? text, params (string Name, string? Value)[] attributes) =>
        Open(tag, attributes).Text(text).Close(tag);

    /// <summary>Appends a line break (readability of the written file only).</summary>
    public HtmlWriter Line()
    {
        _sb.Append('\n');
        return this;
    }

    /// <inheritdoc/>
    public override string ToString() => _sb.ToString();
}
