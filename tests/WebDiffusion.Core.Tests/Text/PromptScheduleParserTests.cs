using WebDiffusion.Core.Text.Prompts;

namespace WebDiffusion.Core.Tests.Text;

public class PromptScheduleParserTests
{
    private static (int, string)[] Schedule(string prompt, int steps, int? hires = null, bool old = false) =>
        PromptScheduleParser.GetSchedule(prompt, steps, hires, old).Select(e => (e.EndStep, e.Text)).ToArray();

    [Fact]
    public void Docstring_vectors_at_ten_steps()
    {
        Assert.Equal([(3, "a "), (10, "a b")], Schedule("a [b:3]", 10));
        Assert.Equal([(1, "a b  d"), (10, "a  c  d")], Schedule("a [b : c : 1] d", 10));
        Assert.Equal([(1, "abe"), (2, "ace"), (10, "ade")], Schedule("a[b:[c:d:2]:1]e", 10));
        Assert.Equal([(5, "a  c"), (10, "a b c")], Schedule("a [b:.5] c", 10));
        Assert.Equal([(10, "[fe|||]male | a [b:.5] c")], Schedule("[fe|||]male | a [b:.5] c", 10)); // stray '|' → verbatim
    }

    [Fact]
    public void Alternation_cycles_every_step()
    {
        var schedule = Schedule("[fe|||]male", 10);
        Assert.Equal(Enumerable.Range(1, 10).ToArray(), schedule.Select(e => e.Item1).ToArray());
        for (var step = 1; step <= 10; step++)
        {
            Assert.Equal(step % 4 == 1 ? "female" : "male", schedule[step - 1].Item2);
        }

        Assert.Equal([(1, "a cat"), (2, "a dog"), (3, "a cat")], Schedule("a [cat|dog]", 3));
    }

    [Fact]
    public void Hires_schedule_reads_fractions_from_one_to_two_and_offsets_integers()
    {
        Assert.Equal([(5, "a  c"), (10, "a b c")], Schedule("a [b:1.5] c", 10, hires: 10));
        Assert.Equal([(10, "a b c")], Schedule("a [b:.5] c", 10, hires: 10)); // already switched in the first pass
        Assert.Equal([(2, "a  c"), (10, "a b c")], Schedule("a [b:12] c", 10, hires: 10));
    }

    [Fact]
    public void Old_scheduling_treats_numbers_below_one_as_fractions()
    {
        Assert.Equal([(5, "a  c"), (10, "a b c")], Schedule("a [b:0.5] c", 10, old: true));
        Assert.Equal([(2, "a  c"), (10, "a b c")], Schedule("a [b:2.0] c", 10, old: true));
    }

    [Fact]
    public void Removal_form_and_clamping()
    {
        Assert.Equal([(4, "a b"), (10, "a ")], Schedule("a [b::4]", 10));
        Assert.Equal([(10, "a b")], Schedule("a [b::40]", 10));
        Assert.Equal([(10, "a ")], Schedule("a [b::0]", 10));
        Assert.Equal([(10, "a c")], Schedule("a [b:c:-3]", 10));
    }

    [Fact]
    public void Emphasis_brackets_pass_through_unchanged()
    {
        Assert.Equal([(3, "(a:1.2) [x] "), (10, "(a:1.2) [x] (b)")], Schedule("(a:1.2) [x] [(b):3]", 10));
        Assert.Equal([(10, "((a) [b] c:1.3)")], Schedule("((a) [b] c:1.3)", 10));
    }

    [Fact]
    public void Stray_brackets_at_top_level_are_literal_and_scheduling_still_works()
    {
        Assert.Equal([(2, "(x "), (10, "(x y")], Schedule("(x [y:2]", 10));
        Assert.Equal([(10, "a] (b:1:2) c")], Schedule("a] (b:1:2) c", 10));
    }

    [Fact]
    public void Unparsable_prompts_are_used_verbatim()
    {
        Assert.Equal([(10, "a | b [c:2]")], Schedule("a | b [c:2]", 10));
        Assert.Equal([(10, "[c:2] ends with \\")], Schedule("[c:2] ends with \\", 10));
        Assert.False(PromptScheduleParser.CanParse("a|b"));
        Assert.True(PromptScheduleParser.CanParse("[a|b]"));
    }

    [Fact]
    public void Escaped_brackets_are_not_syntax()
    {
        Assert.Equal([(10, "\\[a:b:3\\]")], Schedule("\\[a:b:3\\]", 10));
    }

    [Theory]
    [InlineData(10_000)]
    [InlineData(150)]
    public void Deep_nesting_falls_back_to_verbatim_without_overflowing(int depth)
    {
        var prompt = new string('[', depth) + "a:b:3" + new string(']', depth);
        var schedule = Schedule(prompt, 20);
        Assert.Equal([(20, prompt)], schedule);
    }

    [Fact]
    public void Moderate_nesting_is_parsed()
    {
        var prompt = new string('(', 50) + "[a:b:3]" + new string(')', 50);
        var schedule = Schedule(prompt, 20);
        Assert.Equal(2, schedule.Length);
        Assert.Equal(new string('(', 50) + "a" + new string(')', 50), schedule[0].Item2);
    }

    [Fact]
    public void Hostile_100k_prompts_complete()
    {
        var unclosed = string.Concat(Enumerable.Repeat("[a:(b ", 16_000));
        Assert.Single(Schedule(unclosed, 20));
        var manyEdits = string.Concat(Enumerable.Repeat("[x:y:5] ", 12_500));
        var schedule = Schedule(manyEdits, 20);
        Assert.Equal(2, schedule.Length);
        Assert.StartsWith("x x ", schedule[0].Item2, StringComparison.Ordinal);
        var pipes = string.Concat(Enumerable.Repeat("[a|", 33_000));
        Assert.Single(Schedule(pipes, 20));
    }
}
