package io.github.jimengfetcher;

import java.io.IOException;
import java.util.stream.Collectors;

import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;

import io.github.jimengfetcher.api.VideoUrlCandidates;
import io.github.jimengfetcher.config.DownloadSettings;
import io.github.jimengfetcher.config.ImageSettings;
import io.github.jimengfetcher.config.InstanceScope;
import io.github.jimengfetcher.download.ImageDownload;
import io.github.jimengfetcher.download.VideoDownload;
import io.github.jimengfetcher.provider.Providers;
import io.github.jimengfetcher.store.TaskStore;

/** The video downloads. */
@Configuration
public class DownloadConfiguration {

    /**
     * Partial downloads under the instance's own part of the work folder. A provider whose videos are
     * behind its key (download.needs-key) gets it on those requests only.
     */
    @BindToRegistry(lazy = true, initMethod = "start", destroyMethod = "stop")
    public VideoDownload videoDownload(DownloadSettings download, InstanceScope scope, Providers providers) {
        VideoDownload downloads = new VideoDownload(download, scope.ownFolder().resolve("downloads"));
        if (providers.hasKeyedDownloads()) {
            downloads.setProviderKeys(providers.downloadAuthorization());
        }
        return downloads;
    }

    /**
     * The images beside the videos: on the videos' client, from the hosts the videos may come from.
     * Made at the start, after the store: the parts of images of tasks no longer pending are removed.
     */
    @BindToRegistry(lazy = true)
    public ImageDownload imageDownload(VideoDownload videoDownload, ImageSettings images, DownloadSettings download, InstanceScope scope,
            TaskStore store) throws IOException {
        ImageDownload downloads = new ImageDownload(videoDownload, new VideoUrlCandidates(String.join(",", download.allowedHosts())), images,
                scope.ownFolder().resolve("downloads"), System::currentTimeMillis);
        downloads.removeStaleParts(store.pendingTasks().stream().map(task -> task.id).collect(Collectors.toSet()));
        return downloads;
    }
}
