using System.Text;
using WebDiffusion.Core.Infotext;

namespace WebDiffusion.Core.Tests.Infotext;

public class InfotextRoundTripTests
{
    private const string Alphabet = "abcXYZ 019,:\"\\\n\t'()[]<>=-_/éüテスト🎨";

    [Fact]
    public void Writes_exactly_A1111s_layout()
    {
        var p = new GenerationParameters()
            .Set(InfotextKeys.Version, "v1.10.1")
            .Set(InfotextKeys.Seed, 1234)
            .Set(InfotextKeys.Steps, 20)
            .SetSize(InfotextKeys.Size, 512, 512)
            .Set(InfotextKeys.Sampler, "DPM++ 2M")
            .Set("Lora hashes", "x: abc, y: def")
            .Set(InfotextKeys.ScheduleType, "Karras")
            .Set(InfotextKeys.CfgScale, 7.0)
            .Set(InfotextKeys.ModelHash, "6ce0161689")
            .Set(InfotextKeys.Model, "v1-5-pruned-emaonly");
        var text = InfotextWriter.Write("a cat", "ugly", p);
        Assert.Equal(
            "a cat\nNegative prompt: ugly\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234, Size: 512x512, " +
            "Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Lora hashes: \"x: abc, y: def\", Version: v1.10.1",
            text);
        Assert.Equal("a cat\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234, Size: 512x512, " +
            "Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Lora hashes: \"x: abc, y: def\", Version: v1.10.1", InfotextWriter.Write("a cat", string.Empty, p));
    }

    [Fact]
    public void Quoting_follows_json_dumps_without_ascii_escaping()
    {
        Assert.Equal("plain", InfotextWriter.Quote("plain"));
        Assert.Equal("a\"b", InfotextWriter.Quote("a\"b"));
        Assert.Equal("\"a, b\"", InfotextWriter.Quote("a, b"));
        Assert.Equal("\"k: \\\"v\\\"\\n\\\\ テスト\"", InfotextWriter.Quote("k: \"v\"\n\\ テスト"));
        Assert.Equal("\"\\u0001:\"", InfotextWriter.Quote("\u0001:"));
    }

    [Fact]
    public void Key_equal_to_value_is_written_alone()
    {
        var line = InfotextWriter.WriteParameterLine([new("Tiling", "Tiling"), new("Steps", "4")]);
        Assert.Equal("Tiling, Steps: 4", line);
    }

    [Fact]
    public void Random_parameter_sets_survive_write_then_parse()
    {
        var random = new Random(1234);
        for (var round = 0; round < 500; round++)
        {
            var prompt = RandomText(random, allowNewlines: true);
            var negative = random.Next(3) == 0 ? string.Empty : RandomText(random, allowNewlines: true);
            var p = new GenerationParameters();
            var expected = new List<KeyValuePair<string, string>>();
            var count = random.Next(3, 12);
            for (var i = 0; i < count; i++)
            {
                var key = "Key" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + (random.Next(2) == 0 ? " extra-part/x" : string.Empty);
                var value = RandomText(random, allowNewlines: true);
                p.Set(key, value);
                expected.Add(new(key, value));
            }

            var text = InfotextWriter.Write(prompt, negative, p);
            var parsed = InfotextParser.Parse(text);
            Assert.Equal(prompt, parsed.Prompt);
            Assert.Equal(negative, parsed.NegativePrompt);
            Assert.Equal(expected, parsed.Parameters);
        }
    }

    private static string RandomText(Random random, bool allowNewlines)
    {
        while (true)
        {
            var length = random.Next(1, 24);
            var sb = new StringBuilder();
            var elements = System.Globalization.StringInfo.GetTextElementEnumerator(Alphabet);
            var list = new List<string>();
            while (elements.MoveNext())
            {
                list.Add((string)elements.Current);
            }

            for (var i = 0; i < length; i++)
            {
                var e = list[random.Next(list.Count)];
                if (!allowNewlines && e == "\n")
                {
                    continue;
                }

                sb.Append(e);
            }

            var s = sb.ToString();

            // A1111 strips each prompt line and each value's leading whitespace; a line starting with "Negative prompt:"
            // would be read as the negative. Keep texts A1111 itself can round-trip.
            var lines = s.Split('\n');
            if (lines.Any(l => l != l.Trim() || l.Length == 0) || s.Trim().Length == 0)
            {
                continue;
            }

            return s;
        }
    }
}
