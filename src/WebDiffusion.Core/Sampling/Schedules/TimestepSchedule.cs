namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>The "timesteps" samplers' schedule (A1111 <c>sd_samplers_timesteps.get_timesteps</c>).</summary>
public static class TimestepSchedule
{
    /// <summary>
    /// range(0, N, N // steps) + 1, clipped to N − 1, ascending (samplers walk it from the end). When N is not a
    /// multiple of steps this has more than <paramref name="steps"/> entries, as in A1111.
    /// </summary>
    public static int[] Get(int steps, int trainTimesteps = 1000, bool discardPenultimate = false)
    {
        if (discardPenultimate)
        {
            steps++;
        }

        if (steps < 1 || steps > trainTimesteps)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"DDIM/PLMS/UniPC need between 1 and {trainTimesteps} steps.");
        }

        var stride = trainTimesteps / steps;
        var count = ((trainTimesteps - 1) / stride) + 1;
        var result = new int[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = Math.Min((i * stride) + 1, trainTimesteps - 1);
        }

        return result;
    }
}
