package org.openpcs.control.slurm;

import java.nio.file.Path;
import org.openpcs.slurm.ClusterPaths;

/**
 * The text of the start gate's program (D55, D56), the cluster's PrologSlurmctld, run by slurmctld
 * for every job: its common case, a job on nodes that are up, costs one sh and no process or RPC of
 * its own (D56: a {@code sinfo} per job cost 45 % of a job array's throughput on two cores).
 *
 * <p>It knows a node is up from its marker in {@link StartGates#upDir}. A marker is written only
 * for a node seen up while a job is allocated on it, which Slurm never powers down meanwhile: by
 * the program, after its own look at Slurm found every node of its job up, and by the server, when
 * it opens a gate. Every SuspendProgram and ResumeFailProgram run removes them all ({@link
 * PowerPrograms}), and so does the server whenever slurmctld starts or takes a new configuration. A
 * marker missing costs one {@code sinfo}; one left over would only make a job on a node powered
 * down since wait for Slurm's 30 s pass, as before D55.
 */
final class StartGateProgram {
  private StartGateProgram() {}

  /**
   * The program slurmctld runs: sh, which starts in a third of bash's time (D56: a bash that did
   * nothing cost 5 % of a job array's throughput on two cores, /bin/true nothing measurable). It
   * answers the common case, one node known up, and hands anything else to {@code bash}.
   */
  static String front(ClusterPaths paths, Path bash) {
    return String.join(
        "\n",
        "#!/bin/sh",
        "# OpenPCS start gate (PrologSlurmctld): returns once the job's nodes are up, so that",
        "# slurmctld starts the job then rather than at its 30 s pass. Always exits 0.",
        "# One node known up (its marker): done, without starting bash.",
        "case \"$SLURM_JOB_NODELIST\" in",
        "  ''|*[!A-Za-z0-9._-]*|[!A-Za-z0-9]*) ;;",
        "  *) [ -e '" + StartGates.upDir(paths) + "'/\"$SLURM_JOB_NODELIST\" ] && exit 0 ;;",
        "esac",
        "exec /bin/bash '" + bash + "'",
        "");
  }

  /**
   * The text of the program's bash part; every path is quoted, none comes from a user.
   *
   * @param selfCheck seconds between its own looks at Slurm while it waits
   */
  static String text(ClusterPaths paths, Path sinfo, Path squeue, int selfCheck) {
    return String.join(
        "\n",
        "#!/bin/bash",
        "# OpenPCS start gate, the part in bash (see prolog-slurmctld). Always exits 0.",
        "export SLURM_CONF='" + paths.slurmConf() + "'",
        "job=\"$SLURM_JOB_ID\" nodes=\"$SLURM_JOB_NODELIST\"",
        "case \"$job\" in ''|*[!0-9]*) exit 0 ;; esac",
        "[ -n \"$nodes\" ] || exit 0",
        "upd='" + StartGates.upDir(paths) + "'",
        NAMES,
        "# Known up: every node of the job has its marker (no process, no RPC).",
        "known_up() {",
        "  local h",
        "  names \"$nodes\" || return 1",
        "  for h in \"${hosts[@]}\"; do [ -e \"$upd/$h\" ] || return 1; done",
        "}",
        "# Up: every node answers and is neither powered down nor powering up or down. Seen so,",
        "# the nodes get their markers: they are allocated to this job, so none powers down now.",
        "up() {",
        "  known_up && return 0",
        "  local s n st",
        "  local -a seen=()",
        "  s=$('" + sinfo + "' -h -N -n \"$nodes\" -o '%N %T' 2>/dev/null) && [ -n \"$s\" ] ||",
        "    return 1",
        "  while read -r n st; do",
        "    [ -n \"$st\" ] || return 1",
        "    case \"$st\" in *[~#%!*]*) return 1 ;; esac",
        "    seen+=(\"$n\")",
        "  done <<< \"$s\"",
        "  for n in \"${seen[@]}\"; do",
        "    [[ $n =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] && : 2>/dev/null > \"$upd/$n\"",
        "  done",
        "  return 0",
        "}",
        "up && exit 0",
        "gate='" + StartGates.dir(paths) + "'/\"$job\"",
        "# A restarted slurmctld runs the program again for the job: the newer one replaces the",
        "# gate, and an older one that returns later must not remove the newer one's.",
        "# The FIFO is made and held open under a private name, then renamed into place: a gate",
        "# the server can see always has its reader, so the server's word is never lost.",
        "fifo=0 made='" + StartGates.dir(paths) + "'/\".$job.$$\"",
        "trap 'rm -f \"$made\"; [ \"$fifo\" = 1 ] && [ \"$gate\" -ef /proc/$$/fd/3 ] && rm -f \"$gate\"; exit 0' EXIT",
        "mkfifo -m 600 \"$made\" 2>/dev/null && exec 3<>\"$made\" && mv -f \"$made\" \"$gate\" && fifo=1",
        "until up; do",
        "  [ \"$SECONDS\" -ge " + StartGates.GIVE_UP_SECONDS + " ] && exit 0",
        "  if [ \"$fifo\" = 1 ]; then",
        "    read -r -t " + selfCheck + " -u 3 _ && exit 0",
        "  else",
        "    sleep " + selfCheck,
        "  fi",
        "  # No longer waiting for these nodes (cancelled, requeued): nothing to hold back.",
        "  state=$('" + squeue + "' -h -j \"$job\" -o %T 2>/dev/null) &&",
        "    [ -n \"$state\" ] && [ \"$state\" != CONFIGURING ] && exit 0",
        "done",
        "exit 0",
        "");
  }

  /**
   * A bash function that sets {@code hosts} to the names of a Slurm host list ({@code g-1}, {@code
   * g-[1-3,5]}, {@code a-1,b-[08-10]}) without a process; it fails on anything else (nested or
   * multi-dimensional ranges, a range of more than 4096), which {@code sinfo} then answers. A
   * range's width is its lower bound's, as in Slurm ({@code [08-10]} is 08, 09, 10).
   */
  static final String NAMES =
      String.join(
          "\n",
          "names() {",
          "  hosts=()",
          "  local rest=\"$1\" prefix r lo hi i",
          "  local -a ranges",
          "  while [ -n \"$rest\" ]; do",
          "    if [[ $rest =~ ^([A-Za-z0-9][A-Za-z0-9._-]*)\\[([0-9,-]+)\\](,|$) ]]; then",
          "      prefix=${BASH_REMATCH[1]}",
          "      IFS=, read -r -a ranges <<< \"${BASH_REMATCH[2]}\"",
          "      rest=${rest:${#BASH_REMATCH[0]}}",
          "      for r in \"${ranges[@]}\"; do",
          "        if [[ $r =~ ^([0-9]+)-([0-9]+)$ ]]; then",
          "          lo=${BASH_REMATCH[1]} hi=${BASH_REMATCH[2]}",
          "        elif [[ $r =~ ^[0-9]+$ ]]; then",
          "          lo=$r hi=$r",
          "        else",
          "          return 1",
          "        fi",
          "        (( 10#$hi >= 10#$lo && 10#$hi - 10#$lo < 4096 )) || return 1",
          "        for (( i = 10#$lo; i <= 10#$hi; i++ )); do",
          "          printf -v r '%s%0*d' \"$prefix\" \"${#lo}\" \"$i\"",
          "          hosts+=(\"$r\")",
          "        done",
          "      done",
          "    elif [[ $rest =~ ^([A-Za-z0-9][A-Za-z0-9._-]*)(,|$) ]]; then",
          "      hosts+=(\"${BASH_REMATCH[1]}\")",
          "      rest=${rest:${#BASH_REMATCH[0]}}",
          "    else",
          "      return 1",
          "    fi",
          "  done",
          "  [ \"${#hosts[@]}\" -gt 0 ]",
          "}");
}
