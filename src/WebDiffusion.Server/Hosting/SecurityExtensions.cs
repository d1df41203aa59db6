using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebDiffusion.Server.Api;
using WebDiffusion.Server.Cli;
using WebDiffusion.Server.Options;
using WebDiffusion.Server.Security;

namespace WebDiffusion.Server.Hosting;

/// <summary>
/// Authentication (HTTP Basic + login cookie), the authorize-by-default fallback policy, CSRF and DNS-rebinding
/// guards, CORS, rate limits and security headers. Settings are read from the validated options when the first
/// request arrives, so a bad setting still stops the server at start-up with the validator's message.
/// </summary>
public static class SecurityExtensions
{
    public static IServiceCollection AddWebDiffusionSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<SecurityMode>();
        services.AddSingleton<ICliVerb, HashPasswordVerb>();
        services.AddHostedService<SecurityStartupReport>();

        services.AddAuthentication(AuthSchemes.Default)
            .AddPolicyScheme(AuthSchemes.Default, null, o => o.ForwardDefaultSelector = AuthSchemes.Select)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BasicAuthenticationHandler>(AuthSchemes.Basic, null)
            .AddCookie(AuthSchemes.Cookie);
        services.AddOptions<CookieAuthenticationOptions>(AuthSchemes.Cookie).Configure<CredentialStore>(CookieEvents.Configure);

        services.AddAuthorization();
        services.AddOptions<AuthorizationOptions>().Configure<SecurityMode>((o, mode) =>
        {
            if (mode.AuthEnabled)
            {
                o.FallbackPolicy = new AuthorizationPolicyBuilder().AddRequirements(new PublicEndpointRequirement()).Build();
            }
        });

        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<SecurityMode>((o, mode) => o.AddDefaultPolicy(policy =>
        {
            policy.WithOrigins([.. mode.CorsOrigins])
                .AllowAnyHeader()
                .AllowAnyMethod()
                .AllowCredentials()
                .WithExposedHeaders("Retry-After")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        }));

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<WebDiffusionOptions>>((o, wd) => ApiRateLimiter.Configure(o, wd.Value.RateLimit));

        var limits = configuration.GetSection(GenerationLimits.SectionName).Get<GenerationLimits>() ?? new GenerationLimits();
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = limits.MaxBodyBytes > 0 ? limits.MaxBodyBytes : o.MultipartBodyLengthLimit);

        // The login cookie is encrypted with Data Protection keys kept under the data folder, so sessions survive restarts.
        services.AddDataProtection();
        services.AddOptions<KeyManagementOptions>().Configure<WebDiffusionPaths, ILoggerFactory>((o, paths, loggers) =>
            o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(paths.DataDir, "keys")), loggers));
        return services;
    }

    /// <summary>
    /// The security middleware, in order: routing (so the matched endpoint is known), headers, DNS-rebinding guard,
    /// body limit, CORS, sign-in throttle, authentication, CSRF guard, rate limit, authorization. Call it before
    /// static files and endpoints.
    /// </summary>
    public static WebApplication UseWebDiffusionSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseRouting();
        app.UseMiddleware<LoopbackHostGuardMiddleware>();
        app.UseMiddleware<RequestLimitsMiddleware>();
        app.UseCors();
        app.UseMiddleware<SignInThrottleMiddleware>();
        app.UseAuthentication();
        app.UseMiddleware<CsrfGuardMiddleware>();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapLoginEndpoints();
        return app;
    }
}
