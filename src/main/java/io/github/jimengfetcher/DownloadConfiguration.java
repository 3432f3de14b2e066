package io.github.jimengfetcher;

import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;

import io.github.jimengfetcher.config.DownloadSettings;
import io.github.jimengfetcher.config.InstanceScope;
import io.github.jimengfetcher.download.VideoDownload;

/** The video downloads. */
@Configuration
public class DownloadConfiguration {

    /** Partial downloads under the instance's own part of the work folder. */
    @BindToRegistry(lazy = true, initMethod = "start", destroyMethod = "stop")
    public VideoDownload videoDownload(DownloadSettings download, InstanceScope scope) {
        return new VideoDownload(download, scope.ownFolder().resolve("downloads"));
    }
}
