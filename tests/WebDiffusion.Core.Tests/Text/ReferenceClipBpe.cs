using System.Text;
using System.Text.Json;

namespace WebDiffusion.Core.Tests.Text;

/// <summary>
/// An independent, deliberately naive CLIP BPE written the way OpenAI's SimpleTokenizer.bpe works (strings, "merge the
/// best bigram everywhere, repeat"), used to check the production tokenizer word by word.
/// </summary>
internal sealed class ReferenceClipBpe
{
    private readonly Dictionary<(string, string), int> _ranks = [];
    private readonly Dictionary<string, int> _vocab;
    private readonly char[] _byteChars = new char[256];

    private ReferenceClipBpe()
    {
        _vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(SharedTestData.File("clip", "vocab.json")))!;
        var lines = File.ReadAllLines(SharedTestData.File("clip", "merges.txt"));
        for (var i = 1; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ');
            _ranks[(parts[0], parts[1])] = i - 1;
        }

        var n = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            _byteChars[b] = printable ? (char)b : (char)(256 + n++);
        }
    }

    public static ReferenceClipBpe Instance { get; } = new();

    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    public List<int> EncodeWord(string word)
    {
        var symbols = Encoding.UTF8.GetBytes(word).Select(b => _byteChars[b].ToString()).ToList();
        symbols[^1] += "</w>";
        while (symbols.Count > 1)
        {
            (string, string)? best = null;
            var bestRank = int.MaxValue;
            for (var i = 0; i + 1 < symbols.Count; i++)
            {
                if (_ranks.TryGetValue((symbols[i], symbols[i + 1]), out var r) && r < bestRank)
                {
                    bestRank = r;
                    best = (symbols[i], symbols[i + 1]);
                }
            }

            if (best is null)
            {
                break;
            }

            var merged = new List<string>();
            for (var i = 0; i < symbols.Count; i++)
            {
                if (i + 1 < symbols.Count && symbols[i] == best.Value.Item1 && symbols[i + 1] == best.Value.Item2)
                {
                    merged.Add(symbols[i] + symbols[i + 1]);
                    i++;
                }
                else
                {
                    merged.Add(symbols[i]);
                }
            }

            symbols = merged;
        }

        return symbols.Select(s => _vocab[s]).ToList();
    }
}
