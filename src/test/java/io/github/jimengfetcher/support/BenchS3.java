package io.github.jimengfetcher.support;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * The S3 server of bench/s3.sh: S3Proxy on a free loopback port, its objects as files under a
 * folder (so a big object is not held in memory), one bucket made. Writes the port to a file once
 * it serves. Arguments: folder, bucket, access key, secret key, port file.
 */
public final class BenchS3 {

    private BenchS3() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Files.createDirectories(Path.of(args[0]));
        Properties overrides = new Properties();
        overrides.setProperty("jclouds.filesystem.basedir", folder.toString());
        BlobStoreContext blobs = ContextBuilder.newBuilder("filesystem").credentials("identity", "credential")
                .overrides(overrides).build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, args[1]);
        int port = Http.freePort();
        S3Proxy proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, args[2], args[3]).build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(50);
        }
        Files.writeString(Path.of(args[4]), Integer.toString(port));
        Thread.currentThread().join();
    }
}
