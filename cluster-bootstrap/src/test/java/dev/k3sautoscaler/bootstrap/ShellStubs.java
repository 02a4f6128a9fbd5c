package dev.k3sautoscaler.bootstrap;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Shell functions that replace the outside world of the user data scripts when a test runs them in
 * the real bash: defined after lib.sh, a function shadows the command of the same name.
 */
final class ShellStubs {
    static final String IMDS_SESSION_TOKEN = "session-1";

    private ShellStubs() {
    }

    /** Virtual time: advances bash's SECONDS instead of waiting; optionally prints each wait. */
    static String sleep(boolean printEachWait) {
        return "sleep() { SECONDS=$(( SECONDS + $1 ));" + (printEachWait ? " printf 'slept %s\\n' \"$1\";" : "") + " }\n";
    }

    /**
     * curl as IMDSv2 (a PUT yields the session token; metadata is served only with it) and as
     * get.k3s.io (an "installer" that appends the settings it was run with to {@code installerLog}).
     */
    static String curl(Map<String, String> metadata, Path installerLog) {
        String answers = metadata.entrySet().stream()
                .map(e -> "    */" + e.getKey() + ") printf '%s' '" + e.getValue() + "' ;;")
                .collect(Collectors.joining("\n"));
        return """
                curl() {
                  local url="${*: -1}" out=""
                  if [[ " $* " == *" -X PUT "* ]]; then printf '%1$s'; return 0; fi
                  if [[ "$url" == https://get.k3s.io ]]; then
                    while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
                    printf 'echo "installer exec=$INSTALL_K3S_EXEC version=$INSTALL_K3S_VERSION skip_start=$INSTALL_K3S_SKIP_START selinux_rpm_skipped=$INSTALL_K3S_SKIP_SELINUX_RPM" >> "%2$s"\\n' > "$out"
                    return 0
                  fi
                  [[ " $* " == *"X-aws-ec2-metadata-token: %1$s"* ]] || return 22
                  case "$url" in
                %3$s
                    *) return 22 ;;
                  esac
                }
                """.formatted(IMDS_SESSION_TOKEN, installerLog == null ? "/dev/null" : installerLog, answers);
    }
}
