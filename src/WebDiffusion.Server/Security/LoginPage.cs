using System.Text.Encodings.Web;

namespace WebDiffusion.Server.Security;

/// <summary>
/// The sign-in page served at GET /login: one self-contained HTML document (inline CSS, no script, no external
/// asset), in English and Simplified Chinese, posting a plain form to POST /login.
/// </summary>
public static class LoginPage
{
    private const string Template = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <link rel="icon" href="data:,">
        <title>Sign in · 登录 — WebDiffusion</title>
        <style>
        :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; }
        body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; color: CanvasText; }
        main { width: min(22rem, 90vw); padding: 2rem; border: 1px solid color-mix(in srgb, CanvasText 20%, transparent); border-radius: 12px; }
        h1 { margin: 0 0 .25rem; font-size: 1.4rem; }
        p.sub { margin: 0 0 1.5rem; opacity: .7; font-size: .9rem; }
        label { display: block; margin: 0 0 1rem; font-size: .9rem; }
        input[type=text], input[type=password] { display: block; box-sizing: border-box; width: 100%; margin-top: .35rem; padding: .55rem .6rem; font: inherit; border-radius: 6px; border: 1px solid color-mix(in srgb, CanvasText 35%, transparent); background: Field; color: FieldText; }
        button { width: 100%; padding: .6rem; font: inherit; font-weight: 600; border: 0; border-radius: 6px; background: #18a058; color: #fff; cursor: pointer; }
        .error { margin: 0 0 1rem; padding: .6rem; border-radius: 6px; background: color-mix(in srgb, #d03050 15%, transparent); color: #d03050; font-size: .9rem; }
        </style>
        </head>
        <body>
        <main>
        <h1>WebDiffusion</h1>
        <p class="sub">Sign in to continue · 请登录后继续</p>
        {{error}}
        <form method="post" action="/login" autocomplete="on">
        <input type="hidden" name="returnUrl" value="{{returnUrl}}">
        <label>User name · 用户名<input type="text" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus></label>
        <label>Password · 密码<input type="password" name="password" autocomplete="current-password" required></label>
        <button type="submit">Sign in · 登录</button>
        </form>
        </main>
        </body>
        </html>
        """;

    private const string ErrorBlock = """<p class="error" role="alert">Wrong user name or password. · 用户名或密码错误。</p>""";

    /// <summary>The page; <paramref name="returnUrl"/> is reduced to a local path and HTML-encoded.</summary>
    public static string Render(string? returnUrl, bool failed) =>
        Template
            .Replace("{{returnUrl}}", HtmlEncoder.Default.Encode(LocalUrl.OrRoot(returnUrl)), StringComparison.Ordinal)
            .Replace("{{error}}", failed ? ErrorBlock : string.Empty, StringComparison.Ordinal);
}
