using WebDiffusion.Server.Cli;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Options;
using WebDiffusion.Server.Security;

namespace WebDiffusion.Server.Tests.Security;

public class HashPasswordTests
{
    [Fact]
    public async Task The_verb_prints_a_hash_that_verifies_only_the_password_read_from_stdin()
    {
        var output = new StringWriter();
        var code = await new HashPasswordVerb(new StringReader("s3cret pass:with,odd chars\n")).RunAsync(["alice", "--iterations", "20000"], output, CancellationToken.None);

        Assert.Equal(0, code);
        var line = output.ToString().Trim();
        Assert.StartsWith("alice:pbkdf2-sha256$20000$", line, StringComparison.Ordinal);
        Assert.True(PasswordHash.TryParse(line["alice:".Length..], out var hash, out var error), error);
        Assert.True(hash!.Verify("s3cret pass:with,odd chars"));
        Assert.False(hash.Verify("s3cret pass:with,odd chars "));
        Assert.False(hash.Verify(string.Empty));
    }

    [Fact]
    public async Task The_verb_refuses_an_empty_password_and_is_registered()
    {
        var output = new StringWriter();
        Assert.Equal(2, await new HashPasswordVerb(new StringReader(string.Empty)).RunAsync([], output, CancellationToken.None));
        Assert.DoesNotContain("pbkdf2", output.ToString(), StringComparison.Ordinal);

        await using var app = WebDiffusionApp.Build(CommandLine.Parse(["--content-root", Infrastructure.RepositoryRoot.Path]));
        Assert.Contains(app.Services.GetServices<ICliVerb>(), v => v.Name == "hash-password");
        Assert.Contains("hash-password", CommandLine.HelpText, StringComparison.Ordinal);
        Assert.Contains("--cors-allow-origins", CommandLine.HelpText, StringComparison.Ordinal);
        Assert.Equal("https://a.example", CommandLine.Parse(["--cors-allow-origins", "https://a.example"]).Settings["WebDiffusion:CorsOrigins"]);
    }

    [Theory]
    [InlineData("alice:pbkdf2-sha256$100$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "iteration")]
    [InlineData("alice:pbkdf2-sha256$100000$not-base64!$AAAA", "base64")]
    [InlineData("alice:pbkdf2-sha256$100000", "pbkdf2-sha256$<iterations>")]
    [InlineData("alice:one,alice:two", "twice")]
    [InlineData("alice:", "non-empty")]
    [InlineData(",", "no user:password")]
    public void Bad_credentials_stop_the_server_without_echoing_the_secret(string apiAuth, string expected)
    {
        var result = new WebDiffusionOptionsValidator().Validate(null, new WebDiffusionOptions { ApiAuth = apiAuth });
        Assert.True(result.Failed);
        var message = string.Join('\n', result.Failures!);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain("AAAA", message, StringComparison.Ordinal);
        Assert.DoesNotContain("one", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https://a.example/path")]
    [InlineData("ftp://a.example")]
    [InlineData("a.example")]
    public void Bad_cors_origins_stop_the_server(string origins)
    {
        var result = new WebDiffusionOptionsValidator().Validate(null, new WebDiffusionOptions { CorsOrigins = origins });
        Assert.True(result.Failed);
        Assert.Contains("--cors-allow-origins", string.Join('\n', result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Good_settings_pass()
    {
        var options = new WebDiffusionOptions
        {
            ApiAuth = "alice:" + PasswordHash.Create("x", PasswordHash.MinIterations) + ",bob:plain",
            CorsOrigins = "https://a.example, http://localhost:5173",
        };
        Assert.True(new WebDiffusionOptionsValidator().Validate(null, options).Succeeded);
    }
}
