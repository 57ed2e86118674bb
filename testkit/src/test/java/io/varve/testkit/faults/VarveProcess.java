package io.varve.testkit.faults;

import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A Varve node in its own JVM ({@code io.varve.broker.VarveMain --config FILE}), so that a test can
 * kill it with SIGKILL mid-write and start it again on the same data directory and port.
 * Not thread-safe.
 */
final class VarveProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path workDir;
    private final Path config;
    private final int port;
    private Process process;
    private int starts;

    VarveProcess(Path workDir) throws IOException {
        this(workDir, freePort(), Map.of());
    }

    /** In a property value, stands for the node's own directory (a per-node {@code metadata.log.dir}). */
    static final String WORK_DIR = "${workDir}";

    /**
     * A node whose client listener is {@code PLAINTEXT://127.0.0.1:port}, with {@code extra}
     * properties (a cluster node's id, controller listener and voters); {@value #WORK_DIR} in a value is
     * the node's directory.
     */
    VarveProcess(Path workDir, int port, Map<String, String> extra) throws IOException {
        this.workDir = workDir;
        this.port = port;
        this.config = workDir.resolve("varve.properties");
        Files.createDirectories(workDir);
        Properties p = new Properties();
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("log.dirs", workDir.resolve("data").toString());
        p.setProperty("metrics.port", "0");
        extra.forEach((key, value) -> p.setProperty(key, value.replace(WORK_DIR, workDir.toString())));
        try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(out, "Varve node for fault tests");
        }
    }

    /** {@code 1@127.0.0.1:p1,2@127.0.0.1:p2,...}: the voters of a quorum at these controller ports. */
    static String voters(int[] controllerPorts) {
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < controllerPorts.length; i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllerPorts[i]);
        }
        return voters.toString();
    }

    /**
     * Starts one combined node (broker and controller) per client port, with ids 1..n, free
     * controller ports and the quorum of all of them, plus {@code settings} (timeouts) on each. Each
     * node is added to {@code nodes} before it starts, so the caller closes it even if a start fails.
     */
    static void startCombinedCluster(Path dir, int[] clientPorts, Map<String, String> settings, List<VarveProcess> nodes)
        throws IOException, InterruptedException {
        int[] controllerPorts = new int[clientPorts.length];
        for (int i = 0; i < clientPorts.length; i++) {
            clientPorts[i] = freePort();
            controllerPorts[i] = freePort();
        }
        String voters = voters(controllerPorts);
        for (int i = 0; i < clientPorts.length; i++) {
            Map<String, String> props = new java.util.HashMap<>(settings);
            props.put("node.id", Integer.toString(i + 1));
            props.put("process.roles", "broker,controller");
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPorts[i] + ",CONTROLLER://127.0.0.1:" + controllerPorts[i]);
            props.put("controller.listener.names", "CONTROLLER");
            props.put("controller.quorum.voters", voters);
            VarveProcess node = new VarveProcess(dir.resolve("node-" + (i + 1)), clientPorts[i], props);
            nodes.add(node);
            node.start();
        }
    }

    /** The node's {@code log.dirs}: one directory, whose files a test may damage while the node is down. */
    Path dataDir() {
        return workDir.resolve("data");
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the node and waits until its client port accepts connections. */
    void start() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("@" + Path.of("..", ".mvn", "jvm.config").toAbsolutePath().normalize());
        cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"),
            "io.varve.broker.VarveMain", "--config", config.toString()));
        Path log = workDir.resolve("varve-" + (++starts) + ".log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Varve exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                process.waitFor(50, TimeUnit.MILLISECONDS); // bounded wait for the JVM to come up
            }
        }
        throw new IOException("Varve did not listen within " + START_TIMEOUT + ": " + Files.readString(log));
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The node's output so far, for failure messages. */
    String output() throws IOException {
        return Files.readString(workDir.resolve("varve-" + starts + ".log"));
    }

    /** SIGSTOP: the process freezes (no heartbeats, no answers) until {@link #resume()}. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * SIGTERM: the node shuts down cleanly; returns its exit code, or -1 when it did not exit within
     * a minute, after a SIGQUIT that writes every thread's stack to its output (for the failure).
     */
    int terminate() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            signal("QUIT");
            process.waitFor(2, TimeUnit.SECONDS);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
