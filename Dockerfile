# The huifang service of docker-compose.yml: target/huifang.jar (`mvn -B -DskipTests package` first) on Java 17,
# with the distribution's ffmpeg on the PATH. Huifang prefers a system ffmpeg that has libopus; without one it
# extracts the build bundled in the jar, which needs about twice the CPU for a 10-minute recording (BENCHMARKS.md,
# "Recordings": Debian 12's ffmpeg 5.1 against the bundled 7.1.1). This base image is Ubuntu, so it gets Ubuntu's
# ffmpeg and libopus, not the Debian 12 ones measured.
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/huifang
COPY target/huifang.jar /opt/huifang/huifang.jar
CMD ["java", "-jar", "/opt/huifang/huifang.jar", "serve"]
