using Serilog;
using Serilog.Events;

namespace WebDiffusion.Server.Hosting;

/// <summary>
/// Serilog (Serilog.AspNetCore) to the console and to a rolling file under the data folder, plus one structured line per
/// HTTP request. The request line carries method, path (never the query string), status, time, client address and the
/// signed-in user's name — never a header, cookie, body or password.
/// </summary>
public static class LoggingExtensions
{
    /// <summary>The request line's template; its properties are also written, structured, to the log file.</summary>
    public const string RequestMessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";

    public static WebApplicationBuilder AddWebDiffusionLogging(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var paths = WebDiffusionPaths.From(builder.Configuration, builder.Environment);
        // One logger per application, never the static Log.Logger: tests run several servers in one process.
        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .WriteTo.File(
                Path.Combine(paths.LogsDir, "webdiffusion-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}")
            .CreateLogger();
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logger, dispose: true);
        return builder;
    }

    /// <summary>Logs every request once it has been answered (first in the pipeline, so refused requests are logged too).</summary>
    public static WebApplication UseWebDiffusionRequestLogging(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<Serilog.ILogger>();
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = logger;
            options.MessageTemplate = RequestMessageTemplate;
            options.IncludeQueryInRequestPath = false;
            options.GetLevel = RequestLevel;
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                diagnostics.Set("ClientAddress", context.Connection.RemoteIpAddress?.ToString());
                diagnostics.Set("UserName", context.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : null);
                diagnostics.Set("Endpoint", context.GetEndpoint()?.DisplayName);
            };
        });
        return app;
    }

    /// <summary>
    /// Failures as errors, refusals as warnings, changes (POST, PUT, DELETE) as information; successful reads (the UI polls
    /// them) only at debug level.
    /// </summary>
    internal static LogEventLevel RequestLevel(HttpContext context, double elapsedMilliseconds, Exception? exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        var status = context.Response.StatusCode;
        if (exception is not null || status >= 500)
        {
            return LogEventLevel.Error;
        }

        if (status >= 400)
        {
            return LogEventLevel.Warning;
        }

        return HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method)
            ? LogEventLevel.Debug
            : LogEventLevel.Information;
    }
}
