package dev.fluxllm.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The WebFluxChat page in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, through Selenium): tokens appear in order, closing the page closes the
 * model's connection, a server error shows on the page. Skipped outside CI when Chromium is absent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class WebFluxChatBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(20);

    SampleEnvironment env;
    ConfigurableApplicationContext app;
    ChromeDriverService service;
    Path profile;
    WebDriver driver;
    String base;

    @BeforeAll
    void start() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort("Chromium is not installed: run `sudo apt-get install -y chromium chromium-driver`"
                    + " (Debian) to run the browser test; .ci/run installs them in CI");
        }
        assertThat(present).as("CI must have " + CHROMIUM + " and " + CHROMEDRIVER + " (.ci/run installs them)").isTrue();
        env = SampleEnvironment.embedded(WebFluxChat::script);
        app = WebFluxChat.start(env, 0);
        base = "http://127.0.0.1:" + WebFluxChat.port(app);
    }

    @BeforeEach
    void openBrowser() throws IOException {
        // One driver service per browser: quitting a driver stops the service it started on.
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        profile = Files.createTempDirectory("fluxllm-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile);
        driver = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
        if (env != null) {
            env.close();
        }
    }

    static WebDriverWait wait(WebDriver driver) {
        WebDriverWait w = new WebDriverWait(driver, WAIT);
        w.pollingEvery(Duration.ofMillis(50));
        return w;
    }

    void ask(String prompt) {
        driver.get(base + "/");
        WebElement input = driver.findElement(By.id("prompt"));
        input.clear();
        input.sendKeys(prompt);
        driver.findElement(By.id("send")).click();
    }

    String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    @Test
    void theToolProgressAndTheStreamedAnswerShowOnThePage() {
        ask(WebFluxChat.DEMO_QUESTION);
        wait(driver).until(d -> text("status").equals("done"));
        assertThat(text("answer")).isEqualTo(WebFluxChat.WEATHER_ANSWER);
        assertThat(driver.findElements(By.cssSelector("#tools li"))).extracting(WebElement::getText)
                .containsExactly("calling get_weather {\"city\":\"Paris\"}", "get_weather returned: Sunny, 24 C in Paris");
        assertThat(text("error")).isEmpty();
    }

    @Test
    void tokensAppearInOrderAndClosingThePageClosesTheUpstreamConnection() {
        long cancelledBefore = env.server().cancelledStreams();
        String first = driver.getWindowHandle();
        driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        ask("Tell me a story");
        List<String> seen = new ArrayList<>();
        // Snapshots of the answer while it streams: each one extends the one before.
        wait(driver).until(d -> {
            String now = text("answer");
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now)) {
                seen.add(now);
            }
            return seen.size() >= 4 && now.length() > 40;
        });
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)).startsWith(seen.get(i - 1));
        }
        assertThat(WebFluxChat.STORY).startsWith(seen.get(seen.size() - 1));
        assertThat(text("status")).isEqualTo("streaming");

        driver.close(); // the page's tab goes away, and its EventSource with it
        driver.switchTo().window(first);
        env.server().awaitCancelledStreams((int) cancelledBefore + 1, WAIT);
        assertThat(env.server().cancelledStreams()).isGreaterThan(cancelledBefore);
        assertThat(env.server().activeStreams()).isZero();
    }

    @Test
    void aServerErrorShowsOnThePage() {
        ask("please fail");
        wait(driver).until(d -> text("status").equals("error"));
        assertThat(text("error")).startsWith("Error: ").contains("overloaded");
        assertThat(text("answer")).isEmpty();
    }
}
