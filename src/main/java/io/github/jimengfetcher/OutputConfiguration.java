package io.github.jimengfetcher;

import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;

import io.github.jimengfetcher.config.Folders;
import io.github.jimengfetcher.config.InstanceScope;
import io.github.jimengfetcher.config.S3Settings;
import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.output.OutputRecords;
import io.github.jimengfetcher.output.S3Delivery;
import io.github.jimengfetcher.provider.Providers;

/** The output folders and the records written to them. */
@Configuration
public class OutputConfiguration {

    /** Started with the task store ({@link StoreConfiguration#taskStore}), which decides when their clean-up may run. */
    @BindToRegistry(lazy = true)
    public OutputFolders outputFolders(Folders folders, InstanceScope scope, Providers providers) {
        OutputFolders outputs = new OutputFolders();
        outputs.setRoot(folders.output().toString());
        outputs.setInstance(scope.id(), scope.shared());
        outputs.setVideoName(folders.videoName());
        outputs.setImageNames(providers.imageNames());
        return outputs;
    }

    /** Results, failures and rejections: written whole under a hidden name, then renamed (routes/finish.yaml, inbox.yaml). */
    @BindToRegistry(lazy = true)
    public OutputRecords outputRecords(OutputFolders outputs) {
        return new OutputRecords(outputs);
    }

    /** Finished videos to S3-compatible storage, off until jimeng.s3.enabled; its bucket checked as the app starts (routes/finish.yaml). */
    @BindToRegistry(lazy = true, initMethod = "start", destroyMethod = "stop")
    public S3Delivery s3Delivery(S3Settings settings, OutputFolders outputs) {
        return new S3Delivery(settings, outputs.getRoot().resolve("videos"));
    }
}
