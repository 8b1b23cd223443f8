package findaspecialist;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.transport.TransportAddress;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.script.mustache.MustachePlugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single-node OpenSearch for tests and the local stack, started from Maven jars.
 *
 * <p>Usage: {@code java -cp ... findaspecialist.LocalNode DATA_DIR [HTTP_PORT]}. DATA_DIR should be fresh for
 * every run (one node per data directory); HTTP_PORT 0 (the default) picks a free port, which is then written to
 * {@code DATA_DIR/logs/http.ports}. Once the node is ready for use, one line goes to stdout:
 * {@code LocalNode started http=127.0.0.1:PORT}. Logs go to stderr.
 *
 * <p>OpenSearch's {@code Bootstrap} (security manager, native checks, bootstrap checks, log configuration from
 * files) is deliberately not used: only {@link Node} is started, with its plugins given as classes, as OpenSearch's
 * own test framework does. Logging is configured by {@code log4j2.properties} in this jar.
 *
 * <p>The node stops when the JVM gets SIGTERM/SIGINT (shutdown hook) and also when stdin reaches end-of-file:
 * the launching process keeps a pipe open on stdin, so when it dies the pipe closes and no JVM is left behind.
 * Set {@code -Dlocalnode.watch_stdin=false} to run it by hand with stdin closed.
 *
 * <p>With {@code -Dlocalnode.delete_home=true} the JVM deletes DATA_DIR after the node closed, so that a temporary
 * directory does not outlive a parent that was killed before it could clean up. A failed start keeps it (exit code
 * 1), so that the parent can still read the log there.
 */
public final class LocalNode extends Node {

    private static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,          // HTTP and transport
        CommonAnalysisPlugin.class,  // edge_ngram, synonym_graph, asciifolding, ...
        MapperExtrasPlugin.class,    // search_as_you_type, scaled_float, rank_feature, ...
        PainlessPlugin.class,        // painless scripts
        MustachePlugin.class         // mustache templates (phrase suggester collate)
    );

    private static final AtomicBoolean CLOSED = new AtomicBoolean();
    private static final AtomicBoolean START_FAILED = new AtomicBoolean();
    private static final CountDownLatch STOPPED = new CountDownLatch(1);

    private LocalNode(Environment environment) {
        super(environment, PLUGINS, true);
    }

    static Settings nodeSettings(Path home, String httpPort) {
        return Settings.builder()
            .put("cluster.name", "find-a-specialist-local")
            .put("node.name", "local-node")
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            // Loopback only, for HTTP and transport alike; transport on a free port.
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", "0")
            .put("node.portsfile", true)
            .put("discovery.type", "single-node")
            // vm.max_map_count may be low (no root to raise it): use NIO instead of mmap.
            .put("node.store.allow_mmap", false)
            // A nearly full disk must not turn indices read-only or leave shards unassigned.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
    }

    /**
     * Cluster settings applied through the API once the node runs. {@code cluster.default_number_of_replicas} is
     * read from the cluster metadata when an index is created, so as a node setting it has no effect (a fresh index
     * would get 1 replica, which one node can never assign: yellow).
     */
    static Settings clusterSettings() {
        return Settings.builder().put("cluster.default_number_of_replicas", 0).build();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: LocalNode DATA_DIR [HTTP_PORT]");
            System.exit(2);
        }
        Path home = Paths.get(args[0]).toAbsolutePath();
        String httpPort = args.length > 1 ? args[1] : "0";

        if (Boolean.parseBoolean(System.getProperty("localnode.watch_stdin", "true"))) {
            Thread watcher = new Thread(LocalNode::exitOnStdinEof, "localnode-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }

        final TransportAddress http;
        try {
            Files.createDirectories(home.resolve("config"));
            Files.createDirectories(home.resolve("data"));
            Files.createDirectories(home.resolve("logs"));
            Environment environment = InternalSettingsPreparer.prepareEnvironment(
                nodeSettings(home, httpPort), Collections.emptyMap(), home.resolve("config"), () -> "local-node");
            LocalNode node = new LocalNode(environment);
            boolean deleteHome = Boolean.parseBoolean(System.getProperty("localnode.delete_home", "false"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                closeNode(node);
                if (deleteHome && START_FAILED.get() == false) {
                    deleteTree(home);
                }
            }, "localnode-shutdown"));
            node.start();
            node.client().admin().cluster().prepareUpdateSettings()
                .setPersistentSettings(clusterSettings()).get(TimeValue.timeValueSeconds(30));
            http = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress();
        } catch (Exception | Error e) {
            START_FAILED.set(true);
            // Some node threads are not daemons: exit explicitly, or a failed start would leave a JVM behind.
            e.printStackTrace();
            System.err.println("LocalNode: failed to start: " + e);
            System.exit(1);
            return;
        }
        System.out.println("LocalNode started http=" + http.getAddress() + ":" + http.getPort());
        System.out.flush();

        STOPPED.await();
    }

    /** Blocks on stdin; end-of-file (or an error) means the parent is gone, so the JVM exits (running the hook). */
    private static void exitOnStdinEof() {
        byte[] buffer = new byte[256];
        try (InputStream in = System.in) {
            while (in.read(buffer) >= 0) {
                // Input is ignored: only the end of the stream matters.
            }
        } catch (IOException e) {
            // Same as EOF.
        }
        System.err.println("LocalNode: stdin closed, stopping");
        System.exit(0);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("LocalNode: could not delete " + root + ": " + e);
        }
    }

    private static void closeNode(Node node) {
        if (CLOSED.compareAndSet(false, true) == false) {
            return;
        }
        try {
            node.close();
            if (node.awaitClose(15, TimeUnit.SECONDS) == false) {
                System.err.println("LocalNode: node did not close within 15s");
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("LocalNode: error while closing: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            STOPPED.countDown();
            System.err.println("LocalNode stopped");
        }
    }
}
