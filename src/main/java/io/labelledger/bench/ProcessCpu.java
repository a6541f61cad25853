package io.labelledger.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time in clock ticks of the service JVM, its PostgreSQL (postmaster and backends), its local
 * chain (every other process the service started: Ganache) and this client.
 */
record ProcessCpu(long service, Map<String, Long> jitThreads, long postgres, long chain, long client,
    double loadAverage) {
  static final long TICKS_PER_SECOND = 100; // USER_HZ of /proc/PID/stat on Linux

  /** {@code ticks} of CPU time as microseconds per unit of work (0 when there was none). */
  static long microsPer(long ticks, long units) {
    return units == 0 ? 0 : Math.round(ticks * 1e6 / TICKS_PER_SECOND / units);
  }

  /**
   * A memory figure of a process from {@code /proc/PID/status} in KiB ({@code VmRSS}: resident now,
   * {@code VmHWM}: the resident peak so far); -1 when the process is gone.
   */
  static long statusKib(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
        }
      }
      return -1;
    } catch (java.io.IOException | RuntimeException gone) {
      return -1;
    }
  }

  static ProcessCpu read(long servicePid, long postmasterPid) throws java.io.IOException {
    // the backends are the postmaster's children; everything else the service started is its chain
    List<Long> backends = ProcessHandle.of(postmasterPid).stream().flatMap(ProcessHandle::children)
        .map(ProcessHandle::pid).toList();
    long pg = ticks(postmasterPid, true) + backends.stream().mapToLong(ProcessCpu::ticksIfAlive).sum();
    long chain = ProcessHandle.of(servicePid).stream().flatMap(ProcessHandle::descendants).map(ProcessHandle::pid)
        .filter(pid -> pid != postmasterPid && !backends.contains(pid)).mapToLong(ProcessCpu::ticksIfAlive).sum();
    double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    return new ProcessCpu(ticks(servicePid, false), jitThreads(servicePid), pg, chain,
        ticks(ProcessHandle.current().pid(), false), load);
  }

  /**
   * utime + stime of each of the service's JIT compiler threads, by thread id (HotSpot names them
   * "C1 CompilerThread…" and "C2 CompilerThread…", cut to 15 characters). HotSpot may start and stop
   * some as its compile queue grows and shrinks: one that exits within the timed phase is missed,
   * so {@link #jitSince} is a lower bound.
   */
  private static Map<String, Long> jitThreads(long pid) {
    Map<String, Long> out = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      tasks.forEach(task -> {
        String[] f = stat(task.resolve("stat"));
        if (f != null && (f[1].startsWith("C1 CompilerThre") || f[1].startsWith("C2 CompilerThre"))) {
          out.put(f[0], Long.parseLong(f[13]) + Long.parseLong(f[14]));
        }
      });
    } catch (java.io.IOException gone) {
      // the service exited
    }
    return out;
  }

  /** Compiler-thread ticks between {@code before} and this reading. */
  long jitSince(ProcessCpu before) {
    return jitThreads.entrySet().stream()
        .mapToLong(e -> e.getValue() - before.jitThreads().getOrDefault(e.getKey(), 0L)).sum();
  }

  /** utime + stime of a process that may have exited since it was listed (then 0). */
  static long ticksIfAlive(long pid) {
    String[] f = stat(pid);
    return f == null ? 0 : Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /** utime + stime (+ the reaped children's when asked). */
  private static long ticks(long pid, boolean withChildren) {
    String[] f = stat(pid);
    if (f == null) {
      throw new IllegalStateException("no /proc/" + pid + "/stat");
    }
    long t = Long.parseLong(f[13]) + Long.parseLong(f[14]);
    return withChildren ? t + Long.parseLong(f[15]) + Long.parseLong(f[16]) : t;
  }

  /** Fields of /proc/PID/stat, numbered from 0 as in proc(5) minus one; null when the process is gone. */
  private static String[] stat(long pid) {
    return stat(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /**
   * Fields of a process's or a thread's stat file ({@code /proc/PID/stat}, {@code /proc/PID/task/TID/stat}):
   * [0] the id, [1] the name without its parentheses (it may hold spaces), then the rest; null when it is gone.
   */
  private static String[] stat(Path file) {
    try {
      String s = Files.readString(file);
      String[] rest = s.substring(s.lastIndexOf(')') + 2).split(" ");
      String[] f = new String[rest.length + 2];
      f[0] = s.substring(0, s.indexOf(' '));
      f[1] = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
      System.arraycopy(rest, 0, f, 2, rest.length);
      return f;
    } catch (java.io.IOException | RuntimeException gone) {
      return null;
    }
  }
}
