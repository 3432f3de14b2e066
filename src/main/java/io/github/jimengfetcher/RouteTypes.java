package io.github.jimengfetcher;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

import io.github.jimengfetcher.api.FetchAnswerReader;
import io.github.jimengfetcher.config.TypeAliases;
import io.github.jimengfetcher.life.AnswerDecision;
import io.github.jimengfetcher.life.ApiHealth;
import io.github.jimengfetcher.life.DownloadDecision;
import io.github.jimengfetcher.life.LocalFaults;
import io.github.jimengfetcher.store.StoreUnavailableException;
import io.github.jimengfetcher.task.LeaseLostException;

/**
 * The classes of the app that routes name, by their short names ({@link TypeAliases}): the decisions
 * a {@code choice} compares with ({@code ${type:DownloadDecision.PUBLISH}}) and the exceptions an
 * {@code onException} catches ({@code StoreUnavailableException}). Part of the route contract, so a
 * route file never names a package of the app.
 */
public final class RouteTypes extends MainListenerSupport {

    public static final List<Class<?>> NAMED = List.of(
            AnswerDecision.class,
            DownloadDecision.class,
            ApiHealth.Refusal.class,
            LocalFaults.Next.class,
            LeaseLostException.class,
            StoreUnavailableException.class,
            FetchAnswerReader.ErrorAnswerException.class);

    /** Before the routes are read: Camel resolves their class names as it builds them. */
    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        context.setClassResolver(new TypeAliases(context.getClassResolver(), NAMED));
    }
}
