package io.github.jimengfetcher.config;

import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.spi.ClassResolver;

/**
 * Camel's class resolver, knowing some classes also by a short name: the class name without its
 * package, a nested class after its outer one ({@code ApiHealth.Refusal}). Routes name a class where
 * Camel resolves one (an {@code onException} list, {@code ${type:ApiHealth.Refusal.FAIL_TASK}}), so
 * with the short name a route file still reads after a class moves to another package.
 */
public final class TypeAliases implements ClassResolver {

    private final ClassResolver classes;
    private final Map<String, Class<?>> aliases;

    public TypeAliases(ClassResolver classes, List<Class<?>> known) {
        this.classes = classes;
        this.aliases = aliases(known);
    }

    /** Each class by its short name; two classes of one short name would leave a route ambiguous. */
    public static Map<String, Class<?>> aliases(List<Class<?>> known) {
        Map<String, Class<?>> byAlias = new LinkedHashMap<>();
        for (Class<?> type : known) {
            String alias = alias(type);
            if (byAlias.putIfAbsent(alias, type) != null) {
                throw new IllegalArgumentException("two classes are both known to the routes as " + alias);
            }
        }
        return Map.copyOf(byAlias);
    }

    /** The name a route gives the class: its canonical name without its package. */
    public static String alias(Class<?> type) {
        return type.getCanonicalName().substring(type.getPackageName().length() + 1);
    }

    @Override
    public Class<?> resolveClass(String name) {
        Class<?> known = aliases.get(name);
        return known != null ? known : classes.resolveClass(name);
    }

    @Override
    public <T> Class<T> resolveClass(String name, Class<T> type) {
        Class<T> known = known(name, type);
        return known != null ? known : classes.resolveClass(name, type);
    }

    @Override
    public Class<?> resolveClass(String name, ClassLoader loader) {
        Class<?> known = aliases.get(name);
        return known != null ? known : classes.resolveClass(name, loader);
    }

    @Override
    public <T> Class<T> resolveClass(String name, Class<T> type, ClassLoader loader) {
        Class<T> known = known(name, type);
        return known != null ? known : classes.resolveClass(name, type, loader);
    }

    @Override
    public Class<?> resolveMandatoryClass(String name) throws ClassNotFoundException {
        Class<?> known = aliases.get(name);
        return known != null ? known : classes.resolveMandatoryClass(name);
    }

    @Override
    public <T> Class<T> resolveMandatoryClass(String name, Class<T> type) throws ClassNotFoundException {
        Class<T> known = known(name, type);
        return known != null ? known : classes.resolveMandatoryClass(name, type);
    }

    @Override
    public Class<?> resolveMandatoryClass(String name, ClassLoader loader) throws ClassNotFoundException {
        Class<?> known = aliases.get(name);
        return known != null ? known : classes.resolveMandatoryClass(name, loader);
    }

    @Override
    public <T> Class<T> resolveMandatoryClass(String name, Class<T> type, ClassLoader loader) throws ClassNotFoundException {
        Class<T> known = known(name, type);
        return known != null ? known : classes.resolveMandatoryClass(name, type, loader);
    }

    /** The class of that alias, if it is one of the type asked for (Camel then still says what it expected). */
    @SuppressWarnings("unchecked")
    private <T> Class<T> known(String name, Class<T> type) {
        Class<?> known = aliases.get(name);
        return known != null && type.isAssignableFrom(known) ? (Class<T>) known : null;
    }

    @Override
    public void addClassLoader(ClassLoader loader) {
        classes.addClassLoader(loader);
    }

    @Override
    public Set<ClassLoader> getClassLoaders() {
        return classes.getClassLoaders();
    }

    @Override
    public ClassLoader getClassLoader(String name) {
        return classes.getClassLoader(name);
    }

    @Override
    public InputStream loadResourceAsStream(String uri) {
        return classes.loadResourceAsStream(uri);
    }

    @Override
    public URL loadResourceAsURL(String uri) {
        return classes.loadResourceAsURL(uri);
    }

    @Override
    public Enumeration<URL> loadResourcesAsURL(String uri) {
        return classes.loadResourcesAsURL(uri);
    }

    @Override
    public Enumeration<URL> loadAllResourcesAsURL(String uri) {
        return classes.loadAllResourcesAsURL(uri);
    }
}
