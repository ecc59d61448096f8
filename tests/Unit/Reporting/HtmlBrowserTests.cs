using System.Diagnostics;
using BqxAudit.Model;
using BqxAudit.Reporting;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Reporting;

/// <summary>
/// The HTML reports as a real browser draws them: Debian's headless Chromium (tools/test.sh installs it) screenshots a
/// report, and the status marks must show in their colours, which emoji do not without an emoji font.
/// </summary>
public sealed class HtmlBrowserTests
{
    private static string Chromium()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .SelectMany(d => new[] { Path.Combine(d, "chromium"), Path.Combine(d, "chromium-browser") }).FirstOrDefault(File.Exists);
        Assert.True(found is not null, "Chromium is not installed: this test needs it (tools/test.sh installs the Debian package chromium as root)");
        return found!;
    }

    /// <summary>Runs headless Chromium on a file with the workplace's flags and a fresh profile; returns stdout.</summary>
    private static string Run(string chromium, string page, params string[] action)
    {
        using var profile = new TempDir();
        var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                     "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.Path}" }.Concat(action).Append(new Uri(page).AbsoluteUri))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("Chromium did not finish within 90 s");
        }

        Assert.True(process.ExitCode == 0, $"Chromium exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    private static (int Green, int Red, int Amber) Colours(string chromium, TempDir dir, string html)
    {
        var page = dir.Write($"page-{Guid.NewGuid():N}.html", html);
        var shot = Path.Combine(dir.Path, $"shot-{Guid.NewGuid():N}.png");
        Run(chromium, page, $"--screenshot={shot}", "--window-size=1000,700");
        var (_, _, rgba) = PngPixels.Decode(File.ReadAllBytes(shot));
        return (PngPixels.Count(rgba, 0x1a, 0x7f, 0x37), PngPixels.Count(rgba, 0xcf, 0x22, 0x2e), PngPixels.Count(rgba, 0xbf, 0x87, 0x00));
    }

    [Fact]
    public void Render_WhenAReportIsDrawnByHeadlessChromium_ShouldShowEveryStatusMarkInItsColour()
    {
        var chromium = Chromium();
        using var dir = new TempDir();
        var result = SyntheticAudit.Create(blockers: 20, findings: 40, checks: 10);
        var html = HtmlReportWriter.Write(result, Deliverable.ScriptInventory);
        Assert.DoesNotContain("✅", html);
        Assert.DoesNotContain("⚠", html);

        var (green, red, amber) = Colours(chromium, dir, html);
        Assert.True(green > 40, $"the READY marks are not drawn ({green} green pixels)");
        Assert.True(red > 40, $"the NO-GO / MISSING marks are not drawn ({red} red pixels)");
        Assert.True(amber > 40, $"the PARTIAL marks are not drawn ({amber} amber pixels)");

        // The DOM Chromium built holds the marks as SVG with their meaning, not as emoji.
        var dom = Run(chromium, dir.Write("dom.html", html), "--dump-dom");
        Assert.Contains("aria-label=\"passed\"", dom);
        Assert.Contains("<use href=\"#mark-ok\"", dom);
        Assert.DoesNotContain("✅", dom);
    }

    [Fact]
    public void Render_WhenTheSameMarksAreEmoji_ShouldNotShowTheirColoursInThisBrowser()
    {
        // The control: why the marks are SVG. Without an emoji font a headless Chromium draws no green tick.
        var chromium = Chromium();
        using var dir = new TempDir();
        var (green, _, _) = Colours(chromium, dir, "<!DOCTYPE html><html><body style=\"background:#fff\"><p style=\"font-size:48px\">✅ ✅ ✅</p></body></html>");

        var (marks, _, _) = Colours(chromium, dir, HtmlReportWriter.Render(new ReportDocument(Deliverable.Summary, "t", "✅ ✅ ✅\n", Array.Empty<ReportChart>()))
            .Replace("<body>", "<body style=\"font-size:48px\">", StringComparison.Ordinal));

        Assert.True(marks > 500, $"the SVG ticks are not drawn ({marks} green pixels)");
        Assert.True(green < marks / 10, $"emoji ticks drew {green} green pixels, the SVG ones {marks}: the control no longer shows the difference");
    }
}
