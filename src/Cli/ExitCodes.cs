namespace BqxAudit.Cli;

/// <summary>Exit codes of every command (DESIGN.md). <c>audit</c> and <c>readiness</c> use 0/1/2 for Go/ConditionalGo/NoGo.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int ConditionalGo = 1;
    public const int NoGo = 2;
    public const int UsageOrInput = 3;
    public const int Internal = 4;
    public const int Cancelled = 130;
}
