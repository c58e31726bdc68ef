using System.Management.Automation;

namespace FineTune
{
    /// <summary>
    /// The base of every cmdlet that calls a service: <c>-Connection</c> picks one of the session's named connections
    /// (a name, or the object Connect-FineTune -PassThru and Get-FineTuneContext give) for this command; without it the
    /// command uses the session's current connection (the last Connect-FineTune), else the environment.
    /// </summary>
    public abstract class ServiceCmdlet : FineTuneCmdlet
    {
        /// <summary>The connection to use: a name given to Connect-FineTune -Name, or a connection object (Connect-FineTune -PassThru, Get-FineTuneContext -ListAvailable); default: the session's current connection.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ConnectionNameCompleter))]
        public PSObject? Connection { get; set; }

        /// <inheritdoc/>
        private protected override object? ConnectionChoice => Connection?.BaseObject;
    }
}
