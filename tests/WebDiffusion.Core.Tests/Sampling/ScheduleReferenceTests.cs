using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Tests.Sampling;

public class ScheduleReferenceTests
{
    private const double Rtol = 1e-5;
    private static readonly DiscreteSchedule Model = DiscreteSchedule.StableDiffusion;

    [Fact]
    public void Alphas_cumprod_sigmas_and_log_sigmas_match_the_1000_reference_values()
    {
        var ld = ReferenceJson.Schedules.GetProperty("ldm_kdiffusion");
        AssertRel(ld.GetProperty("alphas_cumprod_f32").Doubles(), Model.AlphasCumprod.ToArray());
        AssertRel(ld.GetProperty("sigmas_f32").Doubles(), Model.Sigmas.ToArray());
        // log σ crosses 0 near t = 356: compare absolutely (float32 rounding of σ is ~1e-7 there).
        TorchNoiseTests.AssertClose(ld.GetProperty("log_sigmas_f32").Doubles(), Model.LogSigmas.ToArray(), 2e-6);
        Assert.Equal(ld.GetProperty("sigma_min").GetDouble(), Model.SigmaMin, 1e-7);
        Assert.Equal(ld.GetProperty("sigma_max").GetDouble(), Model.SigmaMax, 1e-5);
    }

    [Fact]
    public void Linear_beta_schedule_from_scheduler_config_matches_diffusers_betas()
    {
        // diffusers' "scaled_linear" betas equal ldm's; "linear" is a plain linspace, checked independently here.
        var config = NoiseScheduleConfig.FromJson("""{"beta_start":0.0001,"beta_end":0.02,"beta_schedule":"linear","num_train_timesteps":1000}""");
        var schedule = new DiscreteSchedule(config);
        double prod = 1;
        for (var i = 0; i < 1000; i++)
        {
            prod *= 1 - (0.0001 + ((0.02 - 0.0001) * i / 999));
            Assert.Equal(prod, schedule.AlphasCumprod[i], Math.Max(1e-7, prod * 1e-6));
        }

        var sd = NoiseScheduleConfig.FromJson("""{"_class_name":"PNDMScheduler","beta_start":0.00085,"beta_end":0.012,"beta_schedule":"scaled_linear","steps_offset":1,"prediction_type":"v_prediction"}""");
        Assert.Equal(PredictionType.VPrediction, sd.Prediction);
        AssertRel(ReferenceJson.Schedules.GetProperty("diffusers_20_steps").GetProperty("alphas_cumprod_f32").Doubles(), new DiscreteSchedule(sd).AlphasCumprod.ToArray());
    }

    [Fact]
    public void Bad_scheduler_config_names_the_field()
    {
        var ex = Assert.Throws<FormatException>(() => NoiseScheduleConfig.FromJson("""{"beta_schedule":"squaredcos_cap_v2"}"""));
        Assert.Contains("beta_schedule", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("uniform", ScheduleType.Uniform, false, false)]
    [InlineData("normal", ScheduleType.Normal, false, false)]
    [InlineData("sgm_uniform", ScheduleType.SgmUniform, false, false)]
    [InlineData("karras (rho=7)", ScheduleType.Karras, false, false)]
    [InlineData("karras_f64_ideal", ScheduleType.Karras, false, false)]
    [InlineData("karras_old_sigmas", ScheduleType.Karras, true, false)]
    [InlineData("karras_discard_penultimate", ScheduleType.Karras, false, true)]
    [InlineData("uniform_discard_penultimate", ScheduleType.Uniform, false, true)]
    [InlineData("exponential", ScheduleType.Exponential, false, false)]
    [InlineData("exponential_f64_ideal", ScheduleType.Exponential, false, false)]
    [InlineData("polyexponential", ScheduleType.Polyexponential, false, false)]
    [InlineData("simple", ScheduleType.Simple, false, false)]
    [InlineData("ddim", ScheduleType.Ddim, false, false)]
    [InlineData("kl_optimal", ScheduleType.KlOptimal, false, false)]
    [InlineData("align_your_steps", ScheduleType.AlignYourSteps, false, false)]
    public void Twenty_step_schedules_match_reference(string key, ScheduleType type, bool oldKarras, bool discard)
    {
        var expected = ReferenceJson.Schedules.GetProperty("a1111_20_steps").StartingWith(key).Doubles();
        var options = new ScheduleOptions { Type = type, UseOldKarrasSigmas = oldKarras };
        var actual = ScheduleBuilder.Build(Model, 20, options, samplerDiscardsPenultimate: discard);
        AssertRel(expected, actual);
    }

    [Fact]
    public void Automatic_uses_the_sampler_default_or_uniform()
    {
        var uniform = ReferenceJson.Schedules.GetProperty("a1111_20_steps").StartingWith("uniform").Doubles();
        AssertRel(uniform, ScheduleBuilder.Build(Model, 20));
        var karras = ReferenceJson.Schedules.GetProperty("a1111_20_steps").StartingWith("karras (rho=7)").Doubles();
        AssertRel(karras, ScheduleBuilder.Build(Model, 20, samplerDefault: ScheduleType.Karras));
    }

    [Fact]
    public void Timestep_samplers_schedule_matches_reference()
    {
        var expected = ReferenceJson.Schedules.GetProperty("a1111_20_steps").StartingWith("timesteps_samplers").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(expected, TimestepSchedule.Get(20));
        Assert.Equal(31, TimestepSchedule.Get(30).Length); // range(0, 1000, 33) has 31 entries, as in A1111
    }

    [Fact]
    public void Diffusers_euler_sigmas_at_leading_timesteps_are_the_table_sigmas()
    {
        // euler_leading_offset1: timesteps 951, 901, ... are integers, so σ(t) is the table entry; t(σ) inverts it.
        var euler = ReferenceJson.Schedules.GetProperty("diffusers_20_steps").GetProperty("euler_leading_offset1");
        var ts = euler.GetProperty("timesteps").Doubles();
        var sigmas = euler.GetProperty("sigmas").Doubles();
        for (var i = 0; i < ts.Length; i++)
        {
            Assert.Equal(sigmas[i], Model.TToSigma(ts[i]), sigmas[i] * Rtol);
            Assert.Equal(ts[i], Model.SigmaToT(sigmas[i]), 1e-3);
        }
    }

    [Fact]
    public void Sigma_to_t_interpolates_log_sigma_and_inverts_t_to_sigma()
    {
        foreach (var t in new[] { 0.0, 0.5, 10.25, 500.5, 998.75, 999.0 })
        {
            var sigma = Model.TToSigma(t);
            Assert.Equal(t, Model.SigmaToT(sigma), 1e-4);
        }

        // Midway in log σ between table entries 10 and 11 is t = 10.5.
        var mid = Math.Exp(0.5 * (Model.LogSigmas[10] + Model.LogSigmas[11]));
        Assert.Equal(10.5, Model.SigmaToT(mid), 1e-4);
        Assert.Equal(0, Model.SigmaToT(0.001));
        Assert.Equal(999, Model.SigmaToT(1000));
    }

    [Fact]
    public void Overrides_change_the_range_and_rho()
    {
        var sigmas = ScheduleBuilder.Build(Model, 10, new ScheduleOptions { Type = ScheduleType.Karras, SigmaMin = 0.1, SigmaMax = 10, Rho = 3 });
        Assert.Equal(10, sigmas[0], 1e-5);
        Assert.Equal(0.1, sigmas[9], 1e-6);
        var expectedMid = Math.Pow(Math.Pow(10, 1 / 3.0) + (5 / 9.0 * (Math.Pow(0.1, 1 / 3.0) - Math.Pow(10, 1 / 3.0))), 3);
        Assert.Equal(expectedMid, sigmas[5], 1e-5);
        Assert.Equal(0, sigmas[^1]);
    }

    [Fact]
    public void Beta_schedule_uses_beta_quantiles()
    {
        // Beta(1,1) is uniform: the schedule is linear in σ. Beta(0.5,0.5) is the arcsine law: ppf(p) = sin²(πp/2).
        var linear = SigmaSchedules.Beta(5, 1, 9, 1, 1);
        Assert.Equal(new float[] { 9, 7, 5, 3, 1, 0 }, linear.Select(v => MathF.Round(v, 4)).ToArray());
        foreach (var p in new[] { 0.1, 0.3, 0.5, 0.77 })
        {
            Assert.Equal(Math.Pow(Math.Sin(Math.PI * p / 2), 2), BetaDistribution.Ppf(p, 0.5, 0.5), 1e-9);
        }

        Assert.Equal(0.5, BetaDistribution.Ppf(0.5, 0.6, 0.6), 1e-9);
        var beta = ScheduleBuilder.Build(Model, 20, new ScheduleOptions { Type = ScheduleType.Beta });
        Assert.Equal(Model.SigmaMax, beta[0], 1e-4);
        Assert.Equal(Model.SigmaMin, beta[19], 1e-6);
        for (var i = 1; i < 20; i++)
        {
            Assert.True(beta[i] < beta[i - 1]);
        }
    }

    [Fact]
    public void Scheduler_names_labels_and_aliases_resolve_case_insensitively()
    {
        Assert.Equal(ScheduleType.SgmUniform, SchedulerCatalog.Find("sgmuniform").Type);
        Assert.Equal(ScheduleType.SgmUniform, SchedulerCatalog.Find("SGM Uniform").Type);
        Assert.Equal(ScheduleType.AlignYourSteps, SchedulerCatalog.Find("align_your_steps").Type);
        Assert.Equal(ScheduleType.Automatic, SchedulerCatalog.Find(null).Type);
        var ex = Assert.Throws<UnknownSchedulerException>(() => SchedulerCatalog.Find("cosine"));
        Assert.Contains("Karras", ex.Message, StringComparison.Ordinal);
        Assert.Equal(12, SchedulerCatalog.All.Count);
    }

    [Fact]
    public void Img2img_step_rule_follows_a1111()
    {
        Assert.Equal((20, 15), Img2ImgSteps.Setup(20, 0.75));
        Assert.Equal((20, 19), Img2ImgSteps.Setup(20, 1.0));
        Assert.Equal((20, 0), Img2ImgSteps.Setup(20, 0.0));
        Assert.Equal((40, 19), Img2ImgSteps.Setup(20, 0.5, fixSteps: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => Img2ImgSteps.Setup(20, 1.5));
    }

    internal static void AssertRel(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var tol = Math.Max(Math.Abs(expected[i]) * Rtol, 1e-9);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"[{i}] expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
