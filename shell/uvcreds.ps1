# uvcreds for PowerShell 7.2+: put this line in $PROFILE:
#   Invoke-Expression ((& uvcreds init pwsh) -join [Environment]::NewLine)
#
# On Set-Location and before each prompt, `uvcreds hook pwsh` runs only when something
# changed since it last ran; the variables it leaves ($global:__uvcreds_dir, _stamp, _due,
# _watch) say what would be a change. Otherwise only .NET calls run: no process at all.

$global:__uvcreds_off = $false  # init again after an uninstall turns the hook back on
if (-not (Test-Path variable:global:__uvcreds_installed)) {
    $global:__uvcreds_installed = $true

    # Each watched variable as this shell has it: set or not, and its value.
    function global:__uvcreds_values {
        $global:__uvcreds_seen = @($global:__uvcreds_vars | ForEach-Object {
            $value = [Environment]::GetEnvironmentVariable($_)
            if ($null -eq $value) { ':' } else { "set:$value" }
        })
    }

    # $true when uvcreds must run again.
    function global:__uvcreds_stale {
        if (-not (Test-Path variable:global:__uvcreds_stamp)) { return $true }  # the first run
        # An empty stamp: uvcreds could write none (a read-only cache); the clock still counts.
        $stamp = $global:__uvcreds_stamp
        if ($stamp -and -not [IO.File]::Exists($stamp)) { return $true }  # a subshell took the stamp
        if ([DateTimeOffset]::UtcNow.ToUnixTimeSeconds() -ge $global:__uvcreds_due) { return $true }
        $since = if ($stamp) { [IO.File]::GetLastWriteTimeUtc($stamp) } else { [DateTime]::MaxValue }
        foreach ($f in $global:__uvcreds_watch) {
            # A missing file reads as 1601-01-01, never newer.
            if ([IO.File]::GetLastWriteTimeUtc($f) -gt $since) { return $true }  # created or edited since
        }
        foreach ($f in $global:__uvcreds_had) {
            if (-not [IO.File]::Exists($f)) { return $true }  # deleted since
        }
        $before = @($global:__uvcreds_seen)
        __uvcreds_values  # a secret a binding names set, changed or unset since:
        if (Compare-Object $before @($global:__uvcreds_seen) -SyncWindow 0) { return $true }
        # uv reads its settings from the nearest directory with uv.toml or pyproject.toml, so a
        # subdirectory without them (and not a link, as uvcreds walks real paths) is the same.
        $case = if ($IsWindows) { [StringComparison]::OrdinalIgnoreCase } else { [StringComparison]::Ordinal }
        $root = $global:__uvcreds_dir
        $d = (Get-Location -PSProvider FileSystem).ProviderPath
        $inside = $root.TrimEnd('\', '/') + [IO.Path]::DirectorySeparatorChar
        if (-not ([string]::Equals($d, $root, $case) -or $d.StartsWith($inside, $case))) { return $true }
        while (-not [string]::Equals($d, $root, $case)) {
            if ([IO.DirectoryInfo]::new($d).LinkTarget -or
                [IO.File]::Exists([IO.Path]::Combine($d, 'uv.toml')) -or
                [IO.File]::Exists([IO.Path]::Combine($d, 'pyproject.toml'))) { return $true }
            $d = [IO.Path]::GetDirectoryName($d)
        }
        return $false
    }

    function global:__uvcreds_hook {
        if ($global:__uvcreds_off -or -not (__uvcreds_stale)) { return }
        if (-not (Test-Path -LiteralPath @UVCREDS_EXE@ -PathType Leaf)) {  # uninstalled: once
            [Console]::Error.WriteLine("uvcreds: $(@UVCREDS_EXE@) is gone; the hook is off until ``uvcreds init pwsh`` runs again")
            $global:__uvcreds_off = $true
            return
        }
        $exitCode = $global:LASTEXITCODE  # the user's prompt sees the command's, not ours
        # Both console settings throw without a console: then they stay as they are.
        $encoding = [Console]::OutputEncoding
        $ctrlC = $null
        try {
            try { [Console]::OutputEncoding = [Text.UTF8Encoding]::new() } catch { }  # uvcreds writes UTF-8
            $out = (& @UVCREDS_EXE@ hook pwsh @global:__uvcreds_flags) -join [Environment]::NewLine
            try { $ctrlC = [Console]::TreatControlCAsInput; [Console]::TreatControlCAsInput = $true } catch { }
            # Ctrl-C is plain input now: it cannot leave the variables half set.
            if ($out) { Invoke-Expression $out }
            $global:__uvcreds_had = @($global:__uvcreds_watch | Where-Object { [IO.File]::Exists($_) })
            __uvcreds_values
        } finally {
            try { [Console]::OutputEncoding = $encoding } catch { }
            if ($null -ne $ctrlC) { try { [Console]::TreatControlCAsInput = $ctrlC } catch { } }
            $global:LASTEXITCODE = $exitCode
        }
    }

    & {
        # Chained, so other tools' location actions keep working ([Delegate]::Combine
        # with $null gives ours alone).
        $action = [EventHandler[Management.Automation.LocationChangedEventArgs]] { __uvcreds_hook }
        $commands = $ExecutionContext.SessionState.InvokeCommand
        $commands.LocationChangedAction = [Delegate]::Combine($commands.LocationChangedAction, $action)
    }

    # Wrap whatever prompt is defined now (so this goes after other prompt tools in
    # $PROFILE); call it after the hook, so it sees the new values.
    $global:__uvcreds_prompt = $function:prompt
    function global:prompt {
        $null = __uvcreds_hook
        if ($global:__uvcreds_prompt) { & $global:__uvcreds_prompt } else { 'PS> ' }
    }
}
