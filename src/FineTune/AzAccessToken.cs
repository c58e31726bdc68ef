using System;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Security;
using FineTune.Engine;

namespace FineTune
{
    /// <summary>
    /// Takes a Microsoft Entra ID access token from Az.Accounts' <c>Get-AzAccessToken</c> (when the module is
    /// installed and signed in with Connect-AzAccount). The token's <c>Token</c> property may be a string (Az.Accounts
    /// before 5) or a SecureString (5 and later); both are read. The token is never written anywhere.
    /// </summary>
    internal static class AzAccessToken
    {
        /// <summary>True when <c>Get-AzAccessToken</c> can be called in this session.</summary>
        internal static bool IsAvailable(PSCmdlet cmdlet) =>
            cmdlet.InvokeCommand.GetCommand("Get-AzAccessToken", CommandTypes.Cmdlet | CommandTypes.Function | CommandTypes.Alias) != null;

        /// <summary>The resource URL Get-AzAccessToken takes for a scope: https://ai.azure.com/.default → https://ai.azure.com.</summary>
        internal static string ResourceOf(string scope) =>
            scope.EndsWith("/.default", StringComparison.OrdinalIgnoreCase) ? scope.Substring(0, scope.Length - "/.default".Length) : scope;

        /// <summary>
        /// The token for <paramref name="scope"/>; throws a terminating error (FineTune.AzAccessTokenFailed) naming
        /// Connect-AzAccount when Get-AzAccessToken fails or gives no token.
        /// </summary>
        internal static string Get(FineTuneCmdlet cmdlet, string scope)
        {
            string resource = ResourceOf(scope);
            try
            {
                var result = cmdlet.InvokeCommand.InvokeScript(false, ScriptBlock.Create("param($r) Get-AzAccessToken -ResourceUrl $r -ErrorAction Stop"), null, resource);
                object? token = result.Select(r => r?.Properties["Token"]?.Value).FirstOrDefault(t => t != null);
                string? text = token switch
                {
                    SecureString s => new NetworkCredential(string.Empty, s).Password,
                    PSObject p when p.BaseObject is SecureString s => new NetworkCredential(string.Empty, s).Password,
                    null => null,
                    _ => token.ToString(),
                };
                if (!string.IsNullOrEmpty(text)) return text!;
            }
            catch (RuntimeException ex)
            {
                cmdlet.Fail(cmdlet.Failure("AzAccessTokenFailed", ErrorKind.Authentication,
                    $"Get-AzAccessToken -ResourceUrl {resource} failed: {ex.Message} Sign in with Connect-AzAccount, or give the token or key as a parameter.", resource, Advice, ex));
            }

            cmdlet.Fail(cmdlet.Failure("AzAccessTokenFailed", ErrorKind.Authentication,
                $"Get-AzAccessToken -ResourceUrl {resource} gave no token. Sign in with Connect-AzAccount, or give the token or key as a parameter.", resource, Advice));
            return string.Empty; // not reached
        }

        private const string Advice = "Sign in with Connect-AzAccount, or give the token or key as a parameter.";
    }
}
