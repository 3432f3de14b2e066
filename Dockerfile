# jimeng-fetcher in a container. Build: docker build -t jimeng-fetcher .
# It listens on 0.0.0.0:8080 inside the container, so JIMENG_HTTP_TOKEN is required (without it
# the app exits with code 2). Notifications, when JIMENG_NOTIFY_ENABLED=true (with JIMENG_NOTIFY_SECRET),
# come to 0.0.0.0:8081. Data lives under the volume /data. See docs/deploy.md.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml ./
COPY src ./src
RUN mvn -B -DskipTests package

FROM eclipse-temurin:17-jre
# A user of its own, by number, so no runtime mistakes it for root.
RUN groupadd --system --gid 10001 jimeng \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin jimeng \
    && mkdir -p /data && chown 10001:10001 /data
# The app reads ./application.properties and ./routes from its working directory.
WORKDIR /app
COPY --from=build /build/target/jimeng-fetcher.jar ./
COPY --from=build /build/target/lib ./lib
COPY application.properties ./
COPY routes ./routes
ENV JIMENG_INBOX_FOLDER=/data/inbox \
    JIMENG_OUTPUT_FOLDER=/data/output \
    JIMENG_WORK_FOLDER=/data/work \
    JIMENG_HTTP_HOST=0.0.0.0 \
    JIMENG_HTTP_PORT=8080 \
    JIMENG_NOTIFY_HOST=0.0.0.0 \
    JIMENG_NOTIFY_PORT=8081
VOLUME /data
EXPOSE 8080 8081
USER 10001:10001
# Exec form: java is PID 1 and gets the SIGTERM of `docker stop` (give it 30 s: `docker stop -t 30`).
# A JVM that ran out of memory is not to be trusted: it exits (code 3) and its supervisor starts it anew.
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "jimeng-fetcher.jar"]
