using System;
using System.Management.Automation;
using System.Management.Automation.Host;
using FineTune.Engine;

namespace FineTune
{
    public abstract partial class FineTuneCmdlet
    {
        /// <summary>
        /// ShouldProcess for an action of ConfirmImpact High (it spends money or cannot be undone: it asks unless -Confirm:$false).
        /// A session that cannot ask (pwsh -NonInteractive, a runspace without a host UI) ends the command with
        /// the terminating error <c>FineTune.ConfirmationNeeded</c>, which says what it would have done and what a runbook
        /// passes, instead of PowerShell's bare prompt failure. <paramref name="doing"/> completes "before it …"
        /// and holds the cost; <paramref name="runbook"/> is what to pass (<c>-Confirm:$false</c>, with -MaxCost…).
        /// </summary>
        private protected bool ShouldProcessOrExplain(string target, string action, string doing, string runbook = "-Confirm:$false")
        {
            try
            {
                return ShouldProcess(target, action);
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is HostException)
            {
                string command = MyInvocation.MyCommand.Name;
                Fail(Failure("ConfirmationNeeded", ErrorKind.InvalidOperation,
                    $"{command} asks for confirmation before it {doing}, and this session cannot ask. In a runbook pass {runbook}; to see what it would do without doing it, pass -WhatIf.",
                    target, $"Pass {runbook}, or -WhatIf to see what it would do.", ex));
                return false;
            }
        }
    }
}
