using System.Globalization;
using System.Text;

namespace WebDiffusion.Core.Text.Tokenization;

/// <summary>Writing the tokenizer in the diffusers/HF layout.</summary>
public sealed partial class ClipTokenizer
{
    /// <summary>
    /// Writes <c>vocab.json</c> (compact JSON in id order, non-ASCII as UTF-8) and <c>merges.txt</c>
    /// (<c>#version: 0.2</c> then one merge per line) into <paramref name="folder"/>, creating it if needed.
    /// For the CLIP vocabulary the files equal openai/clip-vit-large-patch14's byte for byte.
    /// </summary>
    public void WriteHuggingFaceFiles(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        var vocab = new StringBuilder(1 << 20);
        vocab.Append('{');
        for (var id = 0; id < _tokens.Length; id++)
        {
            if (_tokens[id] is null)
            {
                continue;
            }

            if (vocab.Length > 1)
            {
                vocab.Append(',');
            }

            AppendJsonString(vocab, _tokens[id]);
            vocab.Append(':').Append(id.ToString(CultureInfo.InvariantCulture));
        }

        vocab.Append('}');
        File.WriteAllText(Path.Combine(folder, "vocab.json"), vocab.ToString(), utf8);

        var merges = new StringBuilder(1 << 19);
        merges.Append("#version: 0.2\n");
        foreach (var (left, right) in _mergeList)
        {
            merges.Append(_tokens[left]).Append(' ').Append(_tokens[right]).Append('\n');
        }

        File.WriteAllText(Path.Combine(folder, "merges.txt"), merges.ToString(), utf8);
    }

    private static void AppendJsonString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case < ' ':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }
}
