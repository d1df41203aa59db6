using WebDiffusion.Server.Jobs;

namespace WebDiffusion.Server.Tests.Security;

/// <summary>
/// Stands in for the generation executor when the build under test registers none; registered before the
/// server's own services, so a real registration (added later) takes precedence. Security tests run no jobs.
/// </summary>
internal sealed class IdleExecutor : IJobExecutor
{
    public (int Images, int StepsPerImage) Plan(JobRecord job) => (1, 1);

    public Task ExecuteAsync(JobExecution execution, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The security tests do not generate images.");
}
