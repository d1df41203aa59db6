using WebDiffusion.Server.Hosting;

return await WebDiffusionApp.RunAsync(args, CancellationToken.None).ConfigureAwait(false);
