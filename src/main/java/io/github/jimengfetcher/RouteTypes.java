package io.github.jimengfetcher;

import java.util.List;

import org.apache.camel.CamelContext;

import io.github.jimengfetcher.config.TypeAliases;
import io.github.jimengfetcher.life.AnswerDecision;
import io.github.jimengfetcher.life.DownloadDecision;
import io.github.jimengfetcher.store.StoreUnavailableException;
import io.github.jimengfetcher.task.LeaseLostException;
import io.github.jimengfetcher.task.TaskState;

/**
 * The classes of the app that routes name, by their short names ({@link TypeAliases}): the decisions
 * a {@code choice} compares with ({@code ${type:DownloadDecision.PUBLISH}}) and the exceptions an
 * {@code onException} catches ({@code StoreUnavailableException}). Part of the route contract, so a
 * route file never names a package of the app.
 */
public final class RouteTypes {

    public static final List<Class<?>> NAMED = List.of(
            AnswerDecision.class,
            DownloadDecision.class,
            TaskState.class,
            LeaseLostException.class,
            StoreUnavailableException.class);

    private RouteTypes() {
    }

    /** Before the routes are read ({@link AppLifecycle}): Camel resolves their class names as it builds them. */
    static void install(CamelContext context) {
        context.setClassResolver(new TypeAliases(context.getClassResolver(), NAMED));
    }
}
