package io.github.jimengfetcher.log;

import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.layout.template.json.resolver.EventResolverContext;
import org.apache.logging.log4j.layout.template.json.resolver.EventResolverFactory;
import org.apache.logging.log4j.layout.template.json.resolver.TemplateResolver;
import org.apache.logging.log4j.layout.template.json.resolver.TemplateResolverConfig;
import org.apache.logging.log4j.layout.template.json.resolver.TemplateResolverFactory;
import org.apache.logging.log4j.core.LogEvent;

/** Makes {@code {"$resolver": "taskId"}} available to the JSON log template (jimeng-log.json). */
@Plugin(name = "TaskIdResolverFactory", category = TemplateResolverFactory.CATEGORY)
public final class TaskIdResolverFactory implements EventResolverFactory {

    private static final TaskIdResolverFactory INSTANCE = new TaskIdResolverFactory();

    @PluginFactory
    public static TaskIdResolverFactory getInstance() {
        return INSTANCE;
    }

    @Override
    public String getName() {
        return TaskIdResolver.NAME;
    }

    @Override
    public TemplateResolver<LogEvent> create(EventResolverContext context, TemplateResolverConfig config) {
        return new TaskIdResolver();
    }
}
