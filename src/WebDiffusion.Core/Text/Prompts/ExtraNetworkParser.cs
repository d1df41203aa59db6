using System.Text;

namespace WebDiffusion.Core.Text.Prompts;

/// <summary>
/// Extracts A1111 extra-network tags (<c>&lt;(\w+):([^&gt;]+)&gt;</c>) from a prompt and removes them from the text.
/// Linear time: the next <c>&gt;</c> is known for every position, so unclosed tags never cause rescans.
/// </summary>
public static class ExtraNetworkParser
{
    /// <summary>Returns the prompt without tags and the tags found, in order.</summary>
    public static (string Text, IReadOnlyList<ExtraNetworkTag> Tags) Extract(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (!prompt.Contains('<', StringComparison.Ordinal))
        {
            return (prompt, []);
        }

        var nextClose = new int[prompt.Length + 1];
        nextClose[prompt.Length] = -1;
        for (var i = prompt.Length - 1; i >= 0; i--)
        {
            nextClose[i] = prompt[i] == '>' ? i : nextClose[i + 1];
        }

        var tags = new List<ExtraNetworkTag>();
        var text = new StringBuilder(prompt.Length);
        var pos = 0;
        while (pos < prompt.Length)
        {
            if (prompt[pos] == '<' && TryMatch(prompt, pos, nextClose, out var tag, out var end))
            {
                tags.Add(tag);
                pos = end;
                continue;
            }

            text.Append(prompt[pos]);
            pos++;
        }

        return (text.ToString(), tags);
    }

    private static bool TryMatch(string prompt, int open, int[] nextClose, out ExtraNetworkTag tag, out int end)
    {
        tag = null!;
        end = open;
        var i = open + 1;
        while (i < prompt.Length && EmphasisParser.IsWordChar(prompt[i]))
        {
            i++;
        }

        if (i == open + 1 || i >= prompt.Length || prompt[i] != ':')
        {
            return false;
        }

        var close = nextClose[i + 1];
        if (close < 0 || close == i + 1)
        {
            return false;
        }

        tag = new ExtraNetworkTag(prompt[(open + 1)..i], prompt[(i + 1)..close].Split(':'));
        end = close + 1;
        return true;
    }
}
