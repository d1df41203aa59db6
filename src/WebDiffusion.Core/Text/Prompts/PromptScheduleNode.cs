using System.Text;

namespace WebDiffusion.Core.Text.Prompts;

/// <summary>A node of the parsed prompt-editing tree (A1111's Lark grammar).</summary>
internal abstract class PromptScheduleNode
{
    /// <summary>Appends the text this node stands for at <paramref name="step"/>.</summary>
    public abstract void Render(StringBuilder output, int step);

    /// <summary>Adds the steps at which this node's text changes.</summary>
    public abstract void CollectSteps(ScheduleStepContext context, SortedSet<int> steps);
}

/// <summary>How <c>when</c> numbers turn into steps (A1111 <c>collect_steps</c>).</summary>
/// <param name="Steps">Steps of the pass being scheduled.</param>
/// <param name="IntegerOffset">Subtracted from integer <c>when</c> values (first-pass steps for hires).</param>
/// <param name="FractionOffset">Subtracted from fractional <c>when</c> values (1.0 for hires).</param>
/// <param name="UseOldScheduling">A1111's old timeline: below 1 is a fraction, otherwise a step.</param>
internal sealed record ScheduleStepContext(int Steps, int IntegerOffset, double FractionOffset, bool UseOldScheduling);

/// <summary>Literal text.</summary>
internal sealed class PromptTextNode(string text) : PromptScheduleNode
{
    public string Text { get; } = text;

    public override void Render(StringBuilder output, int step) => output.Append(Text);

    public override void CollectSteps(ScheduleStepContext context, SortedSet<int> steps)
    {
    }
}

/// <summary>A sequence of nodes.</summary>
internal sealed class PromptSequenceNode : PromptScheduleNode
{
    public List<PromptScheduleNode> Children { get; } = [];

    public override void Render(StringBuilder output, int step)
    {
        foreach (var child in Children)
        {
            child.Render(output, step);
        }
    }

    public override void CollectSteps(ScheduleStepContext context, SortedSet<int> steps)
    {
        foreach (var child in Children)
        {
            child.CollectSteps(context, steps);
        }
    }
}

/// <summary><c>[before:after:when]</c>; <see cref="Before"/> is null for <c>[after:when]</c>.</summary>
internal sealed class PromptEditNode(PromptSequenceNode? before, PromptSequenceNode after, string when, double whenValue) : PromptScheduleNode
{
    private int _endStep;

    public PromptSequenceNode? Before { get; } = before;

    public PromptSequenceNode After { get; } = after;

    public override void Render(StringBuilder output, int step)
    {
        if (step <= _endStep)
        {
            Before?.Render(output, step);
        }
        else
        {
            After.Render(output, step);
        }
    }

    public override void CollectSteps(ScheduleStepContext context, SortedSet<int> steps)
    {
        Before?.CollectSteps(context, steps);
        After.CollectSteps(context, steps);
        double value;
        if (context.UseOldScheduling)
        {
            value = whenValue < 1 ? whenValue * context.Steps : whenValue;
        }
        else if (when.Contains('.', StringComparison.Ordinal))
        {
            value = (whenValue - context.FractionOffset) * context.Steps;
        }
        else
        {
            value = whenValue - context.IntegerOffset;
        }

        // Python: min(steps, int(v)); int() truncates toward zero.
        var truncated = Math.Truncate(value);
        _endStep = truncated >= context.Steps ? context.Steps : truncated <= int.MinValue ? int.MinValue : (int)truncated;
        if (_endStep >= 1)
        {
            steps.Add(_endStep);
        }
    }
}

/// <summary><c>[a|b|c]</c>: option (step − 1) mod n at each step.</summary>
internal sealed class PromptAlternationNode(List<PromptSequenceNode> options) : PromptScheduleNode
{
    public override void Render(StringBuilder output, int step)
    {
        var index = (((step - 1) % options.Count) + options.Count) % options.Count;
        options[index].Render(output, step);
    }

    public override void CollectSteps(ScheduleStepContext context, SortedSet<int> steps)
    {
        foreach (var option in options)
        {
            option.CollectSteps(context, steps);
        }

        for (var s = 1; s <= context.Steps; s++)
        {
            steps.Add(s);
        }
    }
}
