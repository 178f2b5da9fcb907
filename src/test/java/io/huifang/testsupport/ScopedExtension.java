package io.huifang.testsupport;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What {@link WithServer} and {@link WithDatabase} have in common: the annotation on the class gives one resource
 * for all its tests (opened before {@code @BeforeAll}, closed after {@code @AfterAll}); on a method, one for that
 * test. The resource's parts are injected into parameters of their types and into the test instance's
 * {@link Injected} fields of those types (the method's resource, if it has one, else the class's). Each resource lives in its own temporary folder, deleted once it is closed.
 */
abstract class ScopedExtension<A extends Annotation, R extends AutoCloseable>
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {
  private final Class<A> annotation;
  private final ExtensionContext.Namespace namespace;

  ScopedExtension(Class<A> annotation) {
    this.annotation = annotation;
    this.namespace = ExtensionContext.Namespace.create(getClass());
  }

  /** Opens the resource the annotation asks for, in {@code dir} (empty, deleted after {@link AutoCloseable#close}). */
  abstract R open(A settings, Path dir) throws Exception;

  /** The part of {@code resource} to inject where {@code type} is wanted, or null if it has none of that type. */
  abstract Object part(R resource, Class<?> type);

  /** The resource once open, with its folder. */
  private record Opened<R extends AutoCloseable>(R resource, Path dir) {
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Optional<A> settings = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), annotation);
    if (settings.isPresent()) {
      openInto(context, settings.get());
      // With a per-class lifecycle the instance exists already, and its @BeforeAll methods may use the fields.
      context.getTestInstance().ifPresent(instance -> inject(context, instance));
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    Optional<Method> method = context.getTestMethod();
    if (method.isPresent()) {
      Optional<A> settings = AnnotationSupport.findAnnotation(method.get(), annotation);
      if (settings.isPresent()) {
        openInto(context, settings.get());
      }
    }
    inject(context, context.getRequiredTestInstance());
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    closeOwn(context);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    closeOwn(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return resource(context).map(r -> part(r, parameter.getParameter().getType()) != null).orElse(false);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return resource(context).map(r -> part(r, type))
        .orElseThrow(() -> new ParameterResolutionException("no " + type.getSimpleName() + " here"));
  }

  /** The innermost resource: the method's if it has one, else the class's (the store looks in parents too). */
  private Optional<R> resource(ExtensionContext context) {
    @SuppressWarnings("unchecked")
    Opened<R> opened = context.getStore(namespace).get(Opened.class, Opened.class);
    return Optional.ofNullable(opened).map(Opened::resource);
  }

  private void openInto(ExtensionContext context, A settings) throws Exception {
    // A broad -Dtest pattern also hands integration tests to surefire: they run in failsafe's run only, and
    // starting a database or a server just to skip would cost a minute.
    Assumptions.assumeFalse("unit".equals(System.getProperty("huifang.test.phase")),
        "an integration test: runs in the integration-test phase");
    Path dir = Files.createTempDirectory("huifang-" + annotation.getSimpleName().toLowerCase() + "-");
    R resource;
    try {
      resource = open(settings, dir);
    } catch (Exception | Error e) {
      deleteRecursively(dir);
      throw e;
    }
    context.getStore(namespace).put(Opened.class, new Opened<>(resource, dir));
  }

  /** Closes the resource this very context opened (not one a parent opened). */
  private void closeOwn(ExtensionContext context) throws Exception {
    @SuppressWarnings("unchecked")
    Opened<R> own = context.getStore(namespace).get(Opened.class, Opened.class);
    Optional<ExtensionContext> parent = context.getParent();
    Object parents = parent.map(p -> p.getStore(namespace).get(Opened.class)).orElse(null);
    if (own == null || own == parents) {
      return;
    }
    context.getStore(namespace).remove(Opened.class);
    try {
      own.resource().close();
    } finally {
      deleteRecursively(own.dir());
    }
  }

  private void inject(ExtensionContext context, Object instance) {
    Optional<R> resource = resource(context);
    if (resource.isEmpty()) {
      return;
    }
    for (Class<?> c = instance.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        boolean wanted = f.isAnnotationPresent(Injected.class) && !Modifier.isStatic(f.getModifiers())
            && !Modifier.isFinal(f.getModifiers());
        Object part = wanted ? part(resource.get(), f.getType()) : null;
        if (part != null) {
          try {
            f.setAccessible(true);
            f.set(instance, part);
          } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot inject " + f, e);
          }
        }
      }
    }
  }

  static void deleteRecursively(Path dir) {
    // A stopped PostgreSQL may still be removing its last files for a moment: retry a few times.
    for (int attempt = 0; attempt < 5 && Files.exists(dir); attempt++) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | java.io.UncheckedIOException ignored) {
        // retried
      }
      if (Files.exists(dir)) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
