<#
.SYNOPSIS
    Writes en-US/FineTune.dll-Help.xml (MAML, what Get-Help reads for a binary module) from the XML
    doc comments of the cmdlet classes and their parameter properties, and the parameter metadata of the
    built module. build.ps1 runs it in a child pwsh after the module is laid out.
.DESCRIPTION
    Convention (docs/DEVELOPING.md): the class comment holds <para type="synopsis">,
    <para type="description"> and <example><code>...</code><para>...</para></example>; each parameter
    property has a <summary>; output types come from [OutputType] and their own <summary>.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleDirectory,
    [Parameter(Mandatory)] [string] $ModuleDoc,
    [Parameter(Mandatory)] [string] $EngineDoc
)
$ErrorActionPreference = 'Stop'

$docs = @{}
foreach ($file in $ModuleDoc, $EngineDoc) {
    foreach ($member in ([xml](Get-Content -Raw $file)).doc.members.member) { $docs[$member.name] = $member }
}

function Get-Text($node) {
    if ($null -eq $node) { return '' }
    if ($node -is [string]) { return ($node -replace '\s+', ' ').Trim() }   # the XML adapter gives text-only elements as strings
    # <see cref="T:X.Y"/> and <paramref name="x"/> become their names; whitespace collapses.
    $xml = $node.InnerXml -replace '<see cref="[A-Z]:(?:[\w.]+\.)?([\w`]+)[^"]*"\s*/>', '$1' -replace '<(?:paramref|typeparamref) name="(\w+)"\s*/>', '$1' -replace '<c>(.*?)</c>', '$1'
    $xml = $xml -replace '<[^>]+>', '' -replace '&lt;', '<' -replace '&gt;', '>' -replace '&amp;', '&' -replace '&quot;', '"'
    ($xml -replace '\s+', ' ').Trim()
}

function Add-Para([System.Xml.XmlElement] $parent, [string] $text) {
    $p = $parent.OwnerDocument.CreateElement('maml', 'para', $ns.maml)
    $p.InnerText = $text
    $null = $parent.AppendChild($p)
}

$ns = @{
    msh     = 'http://msh'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
$out = [xml]'<?xml version="1.0" encoding="utf-8"?><helpItems schema="maml" xmlns="http://msh"/>'
function New-El([string] $prefix, [string] $name, $parent, [string] $text) {
    $el = $out.CreateElement($prefix, $name, $ns[$prefix])
    if ($text) { $el.InnerText = $text }
    if ($parent) { $null = $parent.AppendChild($el) }
    $el
}

$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

# int? reads as Int32, not Nullable`1.
function Get-TypeName([type] $type) {
    $underlying = [Nullable]::GetUnderlyingType($type)
    if ($underlying) { $underlying.Name } else { $type.Name }
}
Import-Module (Join-Path $ModuleDirectory 'FineTune.psd1') -Force
foreach ($cmd in Get-Command -Module FineTune -CommandType Cmdlet | Sort-Object Name) {
    $typeDoc = $docs["T:$($cmd.ImplementingType.FullName)"]
    $summary = if ($typeDoc) { $typeDoc.summary } else { $null }
    $synopsis = Get-Text ($summary.para | Where-Object type -eq 'synopsis' | Select-Object -First 1)
    $description = @($summary.para | Where-Object type -eq 'description' | ForEach-Object { Get-Text $_ })

    $c = New-El command command $out.DocumentElement
    $details = New-El command details $c
    New-El command name $details $cmd.Name | Out-Null
    Add-Para (New-El maml description $details) $synopsis
    New-El command verb $details $cmd.Verb | Out-Null
    New-El command noun $details $cmd.Noun | Out-Null
    $desc = New-El maml description $c
    foreach ($d in $description) { Add-Para $desc $d }

    $syntax = New-El command syntax $c
    foreach ($set in $cmd.ParameterSets) {
        $item = New-El command syntaxItem $syntax
        New-El maml name $item $cmd.Name | Out-Null
        # -WhatIf and -Confirm are shown in the syntax (runbooks pass -Confirm:$false); the other common parameters are not.
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common -or $_.Name -in 'WhatIf', 'Confirm' }) {
            $sp = New-El command parameter $item
            $sp.SetAttribute('required', "$($p.IsMandatory)".ToLower())
            $sp.SetAttribute('position', $(if ($p.Position -ge 0) { $p.Position + 1 } else { 'named' }))
            New-El maml name $sp $p.Name | Out-Null
            if ($p.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
                New-El command parameterValue $sp (Get-TypeName $p.ParameterType) | Out-Null
            }
        }
    }

    $params = New-El command parameters $c
    $inputs = [System.Collections.Generic.List[string]]::new()
    foreach ($p in $cmd.Parameters.Values | Where-Object Name -notin $common | Sort-Object Name) {
        $attrs = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $byValue = [bool]($attrs | Where-Object ValueFromPipeline)
        $byName = [bool]($attrs | Where-Object ValueFromPipelineByPropertyName)
        $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
        if ($byValue -or $byName) { $inputs.Add("$($p.ParameterType.FullName) ($($p.Name))") }
        $position = ($attrs | Where-Object { $_.Position -ge 0 } | Select-Object -First 1).Position
        $pe = New-El command parameter $params
        $pe.SetAttribute('required', "$([bool]($attrs | Where-Object Mandatory))".ToLower())
        $pe.SetAttribute('pipelineInput', $pipeline)
        $pe.SetAttribute('position', $(if ($null -ne $position) { $position + 1 } else { 'named' }))
        $pe.SetAttribute('aliases', $(if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }))
        New-El maml name $pe $p.Name | Out-Null
        $declaring = $cmd.ImplementingType.GetProperty($p.Name).DeclaringType   # inherited parameters are documented on the base class
        $propDoc = $docs["P:$($declaring.FullName).$($p.Name)"]
        Add-Para (New-El maml description $pe) (Get-Text $propDoc.summary)
        if ($p.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
            New-El command parameterValue $pe (Get-TypeName $p.ParameterType) | Out-Null
        }
        $t = New-El dev type $pe
        New-El maml name $t $p.ParameterType.FullName | Out-Null
    }

    $inputTypes = New-El command inputTypes $c
    foreach ($i in ($inputs | Select-Object -Unique)) {
        $it = New-El command inputType $inputTypes
        New-El maml name (New-El dev type $it) $i | Out-Null
    }

    $returns = New-El command returnValues $c
    foreach ($type in $cmd.OutputType | Where-Object { $_.Type -and $_.Type -ne [void] }) {
        $rv = New-El command returnValue $returns
        New-El maml name (New-El dev type $rv) $type.Type.FullName | Out-Null
        Add-Para (New-El maml description $rv) (Get-Text $docs["T:$($type.Type.FullName)"].summary)
    }

    $examples = New-El command examples $c
    $n = 0
    foreach ($ex in $(if ($typeDoc) { $typeDoc.SelectNodes('.//example') })) {   # beside or inside <summary>
        $n++
        $e = New-El command example $examples
        New-El maml title $e "-------------------------- Example $n --------------------------" | Out-Null
        New-El dev code $e (($ex.SelectSingleNode('code').InnerText -split "`n" | ForEach-Object { $_.Trim() }) -join "`n").Trim() | Out-Null
        $remarks = New-El dev remarks $e
        foreach ($para in $ex.SelectNodes('para')) { Add-Para $remarks (Get-Text $para) }
    }
}

$dir = New-Item -ItemType Directory -Force (Join-Path $ModuleDirectory 'en-US')
$out.Save((Join-Path $dir 'FineTune.dll-Help.xml'))
