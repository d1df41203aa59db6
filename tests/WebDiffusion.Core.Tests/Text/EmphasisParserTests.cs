using WebDiffusion.Core.Text.Prompts;

namespace WebDiffusion.Core.Tests.Text;

public class EmphasisParserTests
{
    private static void AssertRuns(string prompt, params (string Text, double Weight)[] expected)
    {
        var actual = EmphasisParser.Parse(prompt);
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i].Text == "BREAK" && expected[i].Weight == -1)
            {
                Assert.True(actual[i].IsBreak, $"run {i} should be BREAK");
                continue;
            }

            Assert.Equal(expected[i].Text, actual[i].Text);
            Assert.Equal(expected[i].Weight, actual[i].Weight, 1e-9);
        }
    }

    [Fact]
    public void Docstring_vectors()
    {
        AssertRuns("normal text", ("normal text", 1.0));
        AssertRuns("an (important) word", ("an ", 1.0), ("important", 1.1), (" word", 1.0));
        AssertRuns("(unbalanced", ("unbalanced", 1.1));
        AssertRuns("\\(literal\\]", ("(literal]", 1.0));
        AssertRuns("(unnecessary)(parens)", ("unnecessaryparens", 1.1));
        AssertRuns(
            "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
            ("a ", 1.0),
            ("house", 1.3 * 1.1 * 1.1),
            (" ", 1.1),
            ("on", 1.1 / 1.1),
            (" a ", 1.1),
            ("hill", 0.55),
            (", sun, ", 1.1),
            ("sky", 1.1 * 1.1 * 1.1 * 1.1),
            (".", 1.1));
        AssertRuns("[unbalanced", ("unbalanced", 1 / 1.1));
        AssertRuns("", ("", 1.0));
    }

    [Fact]
    public void Docstring_house_weights_match_published_values()
    {
        var runs = EmphasisParser.Parse("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).");
        Assert.Equal(1.573, runs.Single(r => r.Text == "house").Weight, 1e-9);
        Assert.Equal(0.55, runs.Single(r => r.Text == "hill").Weight, 1e-9);
        Assert.Equal(1.4641, runs.Single(r => r.Text == "sky").Weight, 1e-9);
    }

    [Fact]
    public void Weights_multiply_through_nesting_and_spaces_around_numbers_are_allowed()
    {
        AssertRuns("((a:1.5))", ("a", 1.5 * 1.1));
        AssertRuns("[(a: 2 )]", ("a", 2 / 1.1));
        AssertRuns("(a:-1)", ("a", -1.0));
        AssertRuns("(a:.5)", ("a", 0.5));
    }

    [Fact]
    public void Escapes_and_stray_closers_are_literal()
    {
        AssertRuns("\\\\ and \\)", ("\\ and )", 1.0));
        AssertRuns("a) b]", ("a) b]", 1.0));
        AssertRuns("x:1.5)", ("x:1.5)", 1.0));
        AssertRuns("(x:y)", ("x:y", 1.1));
    }

    [Fact]
    public void Lone_backslash_is_dropped_as_in_a1111_code()
    {
        AssertRuns("a\\b", ("ab", 1.0));
    }

    [Fact]
    public void Unparsable_weight_stays_text_instead_of_crashing()
    {
        AssertRuns("(a:1.2.3)", ("a:1.2.3", 1.1));
    }

    [Fact]
    public void Break_splits_only_on_the_whole_word()
    {
        AssertRuns("a BREAK b", ("a", 1.0), ("BREAK", -1), ("b", 1.0));
        AssertRuns("a BREAKFAST b", ("a BREAKFAST b", 1.0));
        AssertRuns("a break b", ("a break b", 1.0));
        AssertRuns("(a BREAK b)", ("a", 1.1), ("BREAK", -1), ("b", 1.1));
        AssertRuns("BREAK,x", ("BREAK", -1), (",x", 1.0));
    }

    [Fact]
    public void Ten_thousand_deep_nesting_is_fine()
    {
        var deep = new string('(', 10_000) + "x" + new string(')', 10_000);
        var runs = EmphasisParser.Parse(deep);
        Assert.Single(runs);
        Assert.Equal("x", runs[0].Text);
        Assert.True(double.IsPositiveInfinity(runs[0].Weight));
    }
}
