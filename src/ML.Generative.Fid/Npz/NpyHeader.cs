using System.Globalization;
using System.Text;

namespace ML.Generative.Fid.Npz;

/// <summary>
/// The header of an .npy file: a Python dict literal such as
/// <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (64, 64), }</c>. Only that literal form is
/// parsed (strings, True/False, tuples of non-negative integers); anything else is refused.
/// </summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, long[] Shape)
{
    /// <summary>Parses a header; returns null and a reason when it is not a valid one.</summary>
    public static NpyHeader? TryParse(string text, int maxRank, out string? error)
    {
        var p = new Parser(text);
        error = null;
        try
        {
            var fields = p.Dict();
            p.SkipSpace();
            if (!p.AtEnd) throw new FormatException("text after the dict");
            if (fields.Count != 3 || !fields.ContainsKey("descr") || !fields.ContainsKey("fortran_order") || !fields.ContainsKey("shape"))
                throw new FormatException($"expected exactly the keys descr, fortran_order, shape; got {string.Join(", ", fields.Keys)}");
            if (fields["descr"] is not string descr) throw new FormatException("descr is not a string (structured dtypes are not supported)");
            if (fields["fortran_order"] is not bool fortran) throw new FormatException("fortran_order is not True or False");
            if (fields["shape"] is not long[] shape) throw new FormatException("shape is not a tuple of integers");
            if (shape.Length > maxRank) throw new FormatException($"{shape.Length} dimensions; at most {maxRank} are accepted");
            return new NpyHeader(descr, fortran, shape);
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>The header text NumPy writes, without padding.</summary>
    public string Format()
    {
        string shape = Shape.Length == 1 ? $"({Shape[0]},)" : "(" + string.Join(", ", Shape) + ")";
        return $"{{'descr': '{Descr}', 'fortran_order': {(FortranOrder ? "True" : "False")}, 'shape': {shape}, }}";
    }

    private sealed class Parser(string text)
    {
        private const int MaxDigits = 19;
        private int _pos;

        public bool AtEnd => _pos >= text.Length;

        public void SkipSpace()
        {
            while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\n' or '\r') _pos++;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (_pos >= text.Length || text[_pos] != c) throw new FormatException($"expected '{c}' at column {_pos}");
            _pos++;
        }

        private bool TryTake(char c)
        {
            SkipSpace();
            if (_pos < text.Length && text[_pos] == c) { _pos++; return true; }
            return false;
        }

        public Dictionary<string, object> Dict()
        {
            var fields = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect('{');
            while (!TryTake('}'))
            {
                string key = String();
                Expect(':');
                if (!fields.TryAdd(key, Value())) throw new FormatException($"key '{key}' appears twice");
                if (!TryTake(','))
                {
                    Expect('}');
                    break;
                }
            }
            return fields;
        }

        private object Value()
        {
            SkipSpace();
            if (_pos >= text.Length) throw new FormatException("the header ends early");
            char c = text[_pos];
            if (c is '\'' or '"') return String();
            if (c == '(') return Tuple();
            if (Word("True")) return true;
            if (Word("False")) return false;
            throw new FormatException($"unsupported value at column {_pos}");
        }

        private bool Word(string word)
        {
            if (string.CompareOrdinal(text, _pos, word, 0, word.Length) != 0) return false;
            _pos += word.Length;
            return true;
        }

        private string String()
        {
            SkipSpace();
            if (_pos >= text.Length || text[_pos] is not ('\'' or '"')) throw new FormatException($"expected a string at column {_pos}");
            char quote = text[_pos++];
            int start = _pos;
            while (_pos < text.Length && text[_pos] != quote)
            {
                if (text[_pos] == '\\') throw new FormatException("escapes in strings are not supported");
                _pos++;
            }
            if (_pos >= text.Length) throw new FormatException("unterminated string");
            return text[start..(_pos++)];
        }

        // Python tuple syntax: "()", "(5,)", "(3, 4)", "(3, 4,)"; "(5)" is an int in Python, so it is refused.
        private long[] Tuple()
        {
            Expect('(');
            var items = new List<long>();
            bool trailingComma = false;
            while (!TryTake(')'))
            {
                items.Add(Integer());
                trailingComma = TryTake(',');
                if (!trailingComma)
                {
                    Expect(')');
                    break;
                }
            }
            if (items.Count == 1 && !trailingComma) throw new FormatException("shape (n) is not a tuple; NumPy writes (n,)");
            return items.ToArray();
        }

        private long Integer()
        {
            SkipSpace();
            int start = _pos;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
            if (_pos == start) throw new FormatException($"expected a non-negative integer at column {start}");
            if (_pos - start > MaxDigits ||
                !long.TryParse(text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                throw new FormatException("a shape value is too large");
            if (_pos < text.Length && text[_pos] == 'L') _pos++; // Python 2 long suffix
            return value;
        }
    }

    /// <summary>Header bytes are Latin-1 (versions 1 and 2) or UTF-8 (version 3).</summary>
    public static Encoding EncodingFor(int major) => major >= 3 ? new UTF8Encoding(false, true) : Encoding.Latin1;
}
