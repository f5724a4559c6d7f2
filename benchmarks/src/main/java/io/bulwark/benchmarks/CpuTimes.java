package io.bulwark.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU seconds spent, from Linux's {@code /proc} and the JVM's thread clocks: where the time of a run went. On a
 * machine of 2 cores the benchmark JVM and PostgreSQL share them, so who used how much explains the throughput.
 * Each method answers NaN where the platform cannot tell.
 */
final class CpuTimes {

    /** Linux's USER_HZ: {@code /proc} counts CPU time in hundredths of a second on every common platform. */
    private static final double TICKS = 100.0;

    private CpuTimes() {
    }

    /** Seconds every core of the machine spent busy (user, nice, system, irq, softirq, steal), all processes. */
    static double machineBusy() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
            return busy / TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** User and system seconds of process {@code pid}. */
    static double process(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // The command name (field 2) may hold spaces: count fields from the closing parenthesis.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The CPU seconds of the server processes serving connections named {@code applicationName}, by pid. */
    static Map<Long, Double> backends(Connection c, String applicationName) throws SQLException {
        Map<Long, Double> seconds = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE application_name = '"
                        + applicationName + "'")) {
            while (r.next()) {
                seconds.put(r.getLong(1), process(r.getLong(1)));
            }
        }
        return seconds;
    }

    /** How much more the processes of {@code after} used than in {@code before} (a process new since counts whole). */
    static double spent(Map<Long, Double> before, Map<Long, Double> after) {
        double total = 0;
        for (Map.Entry<Long, Double> e : after.entrySet()) {
            total += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
        }
        return total;
    }

    /** CPU seconds of this JVM's live threads whose names start with one of {@code prefixes}, by prefix. */
    static Map<String, Double> threads(List<String> prefixes) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Double> seconds = new LinkedHashMap<>();
        prefixes.forEach(p -> seconds.put(p, 0.0));
        List<Thread> live = new ArrayList<>(Thread.getAllStackTraces().keySet());
        for (Thread t : live) {
            for (String prefix : prefixes) {
                long nanos = mx.getThreadCpuTime(t.getId());
                if (t.getName().startsWith(prefix) && nanos > 0) {
                    seconds.merge(prefix, nanos / 1e9, Double::sum);
                }
            }
        }
        return seconds;
    }

    /** This thread's CPU seconds so far. */
    static double currentThread() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9;
    }
}
