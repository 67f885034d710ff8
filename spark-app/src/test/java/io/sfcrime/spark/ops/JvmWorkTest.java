package io.sfcrime.spark.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-thread CPU of {@link JvmWork}: Linux's stat lines read by thread name, and this JVM's own threads. */
class JvmWorkTest {
    /** A stat line as Linux writes it: pid, (name), state, then fields 4..; utime 14 and stime 15. */
    private static void thread(Path tasks, int tid, String name, long utime, long stime) throws IOException {
        Path dir = Files.createDirectories(tasks.resolve(Integer.toString(tid)));
        Files.writeString(dir.resolve("stat"), tid + " (" + name + ") S 1 1 1 0 -1 4194368 100 0 0 0 " + utime + " "
                + stime + " 0 0 20 0 40 0 123 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0\n");
    }

    @Test
    void threadsAreSummedByKindFromTheirNames(@TempDir Path tasks) throws IOException {
        thread(tasks, 11, "C2 CompilerThre", 150, 3);
        thread(tasks, 12, "C1 CompilerThre", 40, 1);
        thread(tasks, 13, "GC Thread#0", 7, 2);
        thread(tasks, 14, "G1 Conc#0", 5, 0);
        thread(tasks, 15, "Executor task l", 300, 12);
        thread(tasks, 16, "Executor task l", 200, 8);
        // A name with a bracket and spaces in it: the fields start after the last ')'.
        thread(tasks, 17, "a (b) c", 999, 999);
        JvmWork.ThreadCpu cpu = JvmWork.ThreadCpu.read(tasks);
        assertThat(cpu).isEqualTo(new JvmWork.ThreadCpu((150 + 3 + 40 + 1) * 10L, (7 + 2 + 5) * 10L,
                (300 + 12 + 200 + 8) * 10L));
    }

    @Test
    void withoutProcThereIsNoThreadCpu(@TempDir Path dir) {
        assertThat(JvmWork.ThreadCpu.read(dir.resolve("absent"))).isNull();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void thisJvmsCompilerThreadsHaveCompiledSomething() {
        JvmWork.ThreadCpu cpu = JvmWork.ThreadCpu.read(Path.of("/proc/self/task"));
        assertThat(cpu).isNotNull();
        assertThat(cpu.jitMs()).isPositive();
        assertThat(JvmWork.now().since(JvmWork.now())).containsKeys("jit_cpu", "gc_cpu", "task_cpu");
    }
}
