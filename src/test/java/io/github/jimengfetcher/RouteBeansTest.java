package io.github.jimengfetcher;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bean a route names ({@code ref: name} with {@code method: "m(...)"}) exists in the running
 * app with a public method of that name: a renamed method or bean would otherwise fail only when
 * its branch first runs, inside a fault handler perhaps. A method named without a parameter list
 * is the only one of its name, and each of its parameters says where its value comes from (the
 * exchange, or a Camel binding annotation such as @Variable): else Camel would choose among
 * overloads, or pass the body, at run time.
 */
class RouteBeansTest extends AppTestSupport {

    private static final Pattern REF_THEN_METHOD = Pattern.compile("ref: (\\w+)\\s*\\n\\s*method: (\"?)(\\w+)(\\(?)");

    @Test
    void everyBeanMethodTheRoutesCallExists() throws Exception {
        startApp(Map.of());
        List<String> missing = new ArrayList<>();
        int checked = 0;
        int boundCalls = 0;
        List<Path> files;
        try (Stream<Path> listed = Stream.concat(Files.list(Path.of("routes")), Files.list(Path.of("routes/examples")))) {
            files = listed.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        for (Path file : files) {
            Matcher call = REF_THEN_METHOD.matcher(Files.readString(file));
            while (call.find()) {
                checked++;
                Object bean = app.context().getRegistry().lookupByName(call.group(1));
                String method = call.group(3);
                boolean bound = call.group(2).isEmpty() || call.group(4).isEmpty();
                if (bean == null) {
                    missing.add(file + ": no bean '" + call.group(1) + "'");
                    continue;
                }
                List<Method> named = Arrays.stream(bean.getClass().getMethods()).filter(m -> m.getName().equals(method)).toList();
                if (named.isEmpty()) {
                    missing.add(file + ": " + call.group(1) + " (" + bean.getClass().getSimpleName() + ") has no method " + method);
                } else if (bound && !method.startsWith("{")) {
                    boundCalls++;
                    if (named.size() > 1) {
                        missing.add(file + ": " + call.group(1) + "." + method + " is overloaded: name its parameters in the route");
                    }
                    for (Parameter parameter : named.get(0).getParameters()) {
                        boolean saysWhere = parameter.getType() == Exchange.class || Arrays.stream(parameter.getAnnotations())
                                .anyMatch(a -> a.annotationType().getPackageName().equals("org.apache.camel"));
                        if (!saysWhere) {
                            missing.add(file + ": " + call.group(1) + "." + method + " takes " + parameter + " without a binding annotation");
                        }
                    }
                }
            }
        }
        assertTrue(checked > 30, "found the calls: " + checked);
        assertTrue(boundCalls > 20, "calls naming only the method: " + boundCalls);
        assertTrue(missing.isEmpty(), String.join("\n", missing));
    }
}
