package io.github.jimengfetcher.support;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;

import static org.awaitility.Awaitility.await;

/**
 * A real S3 server (S3Proxy) on loopback with one bucket, whose first write of an object with a
 * chosen key ending waits until {@link #release}: an upload that stays in progress as long as a
 * test needs to look at it. Later writes of that key go through.
 */
public final class HeldS3 implements AutoCloseable {

    public static final String ACCESS = "fetcher-access";
    public static final String SECRET = "s3cr3t-never-logged-9a2c";
    public static final String BUCKET = "videos-bucket";

    private final BlobStoreContext blobs;
    private final BlobStore store;
    private S3Proxy proxy;
    private final int port;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger writesOfHeld = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile String heldSuffix = "\0";

    public HeldS3() throws Exception {
        blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, BUCKET);
        BlobStore real = blobs.getBlobStore();
        store = (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (self, method, args) -> {
                    if (method.getName().equals("putBlob") && args[1] instanceof Blob blob
                            && blob.getMetadata().getName().endsWith(heldSuffix) && writesOfHeld.getAndIncrement() == 0) {
                        waiting.incrementAndGet();
                        try {
                            release.await(2, TimeUnit.MINUTES);
                        } finally {
                            waiting.decrementAndGet();
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        port = Http.freePort();
        startServer();
    }

    /** The server comes (back) on its port; the objects kept while it was down are there. */
    public synchronized void startServer() throws Exception {
        S3Proxy started = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        started.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(started.getState()));
        proxy = started;
    }

    /** The server goes away as a process would: connections open (an upload in flight) are cut. */
    public synchronized void stopServer() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    /** The first write of an object whose key ends so waits for {@link #release}. */
    public void holdFirstWrite(String keySuffix) {
        heldSuffix = keySuffix;
    }

    /** Whether that first write is waiting now. */
    public boolean holding() {
        return waiting.get() > 0;
    }

    /** The held write goes on (its sender may be gone by then). */
    public void release() {
        release.countDown();
    }

    /** The jimeng.s3.* settings that deliver here. */
    public Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("jimeng.s3.enabled", "true");
        settings.put("jimeng.s3.bucket", BUCKET);
        settings.put("jimeng.s3.endpoint", "http://127.0.0.1:" + port);
        settings.put("jimeng.s3.path-style", "true");
        settings.put("jimeng.s3.access-key", ACCESS);
        settings.put("jimeng.s3.secret-key", SECRET);
        return settings;
    }

    /** The same as environment variables, for an app process. */
    public Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        settings().forEach((key, value) -> env.put(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'), value));
        return env;
    }

    /** The object's bytes, or null when there is none. */
    public byte[] object(String key) throws IOException {
        Blob blob = blobs.getBlobStore().getBlob(BUCKET, key);
        if (blob == null) {
            return null;
        }
        try (InputStream in = blob.getPayload().openStream()) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() throws Exception {
        release.countDown();
        stopServer();
        blobs.close();
    }
}
