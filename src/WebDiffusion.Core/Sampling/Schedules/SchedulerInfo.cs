namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>One schedule type as A1111 lists it (<c>GET /sdapi/v1/schedulers</c>).</summary>
/// <param name="Type">Our enum value.</param>
/// <param name="Name">A1111's internal name, e.g. "sgm_uniform".</param>
/// <param name="Label">The UI label, e.g. "SGM Uniform".</param>
/// <param name="Aliases">Extra accepted names, or null.</param>
/// <param name="DefaultRho">ρ the schedule uses when the rho option is 0, or −1 when it takes no ρ.</param>
/// <param name="NeedInnerModel">Whether it needs the model's discrete σ table.</param>
public sealed record SchedulerInfo(ScheduleType Type, string Name, string Label, IReadOnlyList<string>? Aliases, double DefaultRho, bool NeedInnerModel);
