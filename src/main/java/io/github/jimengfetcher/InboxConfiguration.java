package io.github.jimengfetcher;

import java.time.Clock;

import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;

import io.github.jimengfetcher.config.Folders;
import io.github.jimengfetcher.config.InboxSettings;
import io.github.jimengfetcher.config.InstanceScope;
import io.github.jimengfetcher.inbox.DoneNames;
import io.github.jimengfetcher.inbox.InboxEntries;
import io.github.jimengfetcher.inbox.InboxFaults;
import io.github.jimengfetcher.inbox.InboxFileReader;
import io.github.jimengfetcher.inbox.InboxFollowUp;
import io.github.jimengfetcher.inbox.InboxReadLock;
import io.github.jimengfetcher.inbox.ProviderConflicts;
import io.github.jimengfetcher.task.KnownProviders;

/** The inbox: how its files are read, followed and told apart from what is not input. */
@Configuration
public class InboxConfiguration {

    /** One reader for the inbox, posted lists and Kafka records alike. */
    @BindToRegistry(lazy = true)
    public InboxFileReader inboxFileReader(InboxSettings inbox, KnownProviders providers) {
        return new InboxFileReader(inbox, providers);
    }

    /** Where a read file is kept in inbox/.done/: its instance's own names when the store (and inbox) may be shared. */
    @BindToRegistry(lazy = true)
    public DoneNames inboxDoneNames(InstanceScope scope) {
        return new DoneNames(scope.shared() ? scope.id() : "", Clock.systemDefaultZone());
    }

    @BindToRegistry(lazy = true)
    public ProviderConflicts providerConflicts() {
        return new ProviderConflicts();
    }

    @BindToRegistry(lazy = true)
    public InboxReadLock inboxReadLock(InboxSettings inbox) {
        return new InboxReadLock(inbox);
    }

    @BindToRegistry(lazy = true)
    public InboxEntries inboxEntries(Folders folders) {
        InboxEntries entries = new InboxEntries();
        entries.setInbox(folders.inbox().toString());
        return entries;
    }

    @BindToRegistry(lazy = true)
    public InboxFollowUp inboxFollowUp(Folders folders, InboxSettings inbox, InboxFileReader reader) {
        return new InboxFollowUp(folders.inbox(), inbox, reader);
    }

    @BindToRegistry(lazy = true)
    public InboxFaults inboxFaults() {
        return new InboxFaults();
    }
}
