package io.github.jimengfetcher;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

import io.github.jimengfetcher.config.AppSettings;
import io.github.jimengfetcher.config.NotifySettings;
import io.github.jimengfetcher.config.ProviderSettings;
import io.github.jimengfetcher.notify.NotificationHandoff;
import io.github.jimengfetcher.notify.NotificationListener;
import io.github.jimengfetcher.notify.Notifications;
import io.github.jimengfetcher.notify.WebhookSignature;
import io.github.jimengfetcher.observe.TaskMetrics;
import io.github.jimengfetcher.provider.NotifiedIds;
import io.github.jimengfetcher.provider.Providers;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.ProviderName;

/**
 * Notifications (jimeng.notify.*, routes/notify.yaml): the task id a body names, by its provider's
 * reader ({@code notifiedIds}); what a notification does to the task ({@code notifications}); and the
 * listener on its own port, started by the app's start when notifications are on.
 */
@Configuration
public class NotifyConfiguration {

    @BindToRegistry(lazy = true)
    public NotifiedIds notifiedIds(Providers providers) {
        return new NotifiedIds(providers);
    }

    @BindToRegistry(lazy = true)
    public Notifications notifications(TaskStore store, NotifySettings notify) {
        return new Notifications(store, notify.registerUnknown(), notify.maxPerSecond());
    }

    /**
     * The providers whose tasks notify, with notifications on: jimeng.provider's, and each with
     * jimeng.providers.{name}.notify=true. Their tasks are fetched every fallback interval after the first fetch.
     */
    static List<ProviderName> notifying(NotifySettings notify, ProviderSettings settings, Providers providers) {
        if (!notify.enabled()) {
            return List.of();
        }
        return providers.names().stream()
                .filter(name -> name.equals(providers.defaultProvider()) || settings.notifies(name.value()))
                .collect(Collectors.toList());
    }

    /** The listener, not listening yet: its start fails the app's start when it cannot listen. */
    static NotificationListener listener(CamelContext context, AppSettings settings, Providers providers, TaskMetrics metrics) {
        return new NotificationListener(settings.notifications(), settings.http(),
                providers.names().stream().map(ProviderName::value).collect(Collectors.toSet()), providers.defaultProvider().value(),
                signatures(settings.providers(), providers), new NotificationHandoff(context.createProducerTemplate()), metrics::notified);
    }

    /** The providers given a notify-signing-secret, each with its check; a secret that is not whsec_ and base64 stops the start. */
    private static Map<String, WebhookSignature> signatures(ProviderSettings settings, Providers providers) {
        Map<String, WebhookSignature> signatures = new HashMap<>();
        for (ProviderName name : providers.names()) {
            String secret = settings.signingSecret(name.value());
            if (secret.isEmpty()) {
                continue;
            }
            String setting = ProviderSettings.signingSecretSetting(name.value());
            String problem = WebhookSignature.problem(secret);
            if (problem != null) {
                throw new IllegalStateException(setting + " " + problem + " (environment variable "
                        + ProviderSettings.environmentVariable(setting) + ")");
            }
            signatures.put(name.value(), WebhookSignature.of(secret));
        }
        return signatures;
    }
}
