package dev.trustplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.testkit.Peers;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The HTML audit report in real headless Chromium (Debian's chromium and chromium-driver through
 * WebDriver): it loads with no console error and no request leaving the page, every section and
 * chart renders, sorting a column reorders the rows both ways, and a workload opens onto its
 * reasons. A screenshot is kept in target/screenshots.
 */
class AuditHtmlBrowserIT {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @TempDir
    Path dir;
    private ChromeDriver driver;

    @BeforeEach
    void start() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Peers.require("chromium").toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,2000", "--user-data-dir=" + dir.resolve("profile"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(Peers.require("chromedriver").toString())).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
    }

    static AuditReport report() {
        List<ImageAudit> images = new ArrayList<>();
        List<WorkloadAudit> workloads = new ArrayList<>();
        String[] states = {"VERIFIED", "UNVERIFIED", "UNSIGNED", "UNKNOWN"};
        for (int i = 0; i < 12; i++) {
            String digest = "sha256:" + String.format("%064x", i + 1);
            ImageAudit.SigningState state = ImageAudit.SigningState.valueOf(states[i % 4]);
            images.add(new ImageAudit(digest, "registry.example.com/team/app" + i,
                    List.of("registry.example.com/team/app" + i + ":1"), i % 3 == 0 ? "vendor <b>&" : "platform-team",
                    new ImageAudit.Signing(state, state == ImageAudit.SigningState.VERIFIED ? List.of("key" + i)
                            : List.of(), state == ImageAudit.SigningState.UNVERIFIED ? "signature: no key" : null, null),
                    new ImageAudit.Vulnerabilities(i % 4 != 3, i % 2, i, 2, 1, 0, i % 2, i / 2, List.of("CVE-2026-" + i),
                            null), "bookworm", NOW.minusSeconds(86_400L * i * 20), i > 6 ? NOW.minusSeconds(86_400L * i)
                    : null, i > 6 ? "sha256:" + "f".repeat(64) : null, i == 11 ? "Debian buster reached its end of life"
                    : null, 1));
        }
        for (int i = 0; i < 250; i++) {
            String digest = images.get(i % 12).digest();
            workloads.add(new WorkloadAudit("ns" + i % 3, "Deployment", "app" + i, "team" + i % 2,
                    i % 2 == 0 ? List.of("pci") : List.of(), i % 3 == 0 ? "production" : "staging",
                    List.of(new WorkloadAudit.Container("app", "registry.example.com/team/app" + i + ":1", digest, null)),
                    List.of(new WorkloadAudit.Finding("NOT_ADMITTED", "never admitted <script>alert(1)</script>")),
                    i % 120, Scoring.grade(i % 120), List.of(new WorkloadAudit.Reason("unsigned", 25, "reason of app"
                    + i))));
        }
        workloads.sort((a, b) -> b.score() - a.score());
        return new AuditReport(NOW, "fleet.json", images, workloads, Scoring.DEFAULT_WEIGHTS,
                new AuditReport.Trend(NOW.minusSeconds(86_400), 3, 1, 6, 2, 1, Map.of("A", 2, "B", 3, "C", 3, "D", 2,
                        "F", 1), List.of(new AuditReport.Change("Deployment ns0/app0", "C", "A"))));
    }

    @Test
    void shouldRenderSortAndDrillDownWithoutErrors() throws Exception {
        Path page = dir.resolve("audit.html");
        Files.write(page, AuditHtml.render(report()));
        driver.get(page.toUri().toString());

        for (String id : List.of("summary", "trend", "origins", "cves", "scopes", "teams", "age", "remediation",
                "images")) {
            WebElement section = driver.findElement(By.id(id));
            assertThat(section.isDisplayed()).as(id).isTrue();
            assertThat(section.findElement(By.tagName("h2")).getText()).as(id).isNotBlank();
        }
        for (String id : List.of("trend", "cves", "age")) {
            WebElement svg = driver.findElement(By.cssSelector("#" + id + " svg"));
            assertThat(svg.getSize().getHeight()).as(id + " chart").isGreaterThan(20);
        }
        assertThat(driver.findElements(By.cssSelector("#age svg rect"))).hasSize(6);
        // the escaped origin name shows as text, the finding's markup never runs
        assertThat(driver.findElement(By.id("origins")).getText()).contains("vendor <b>&");

        // a page at a time, filtered in place
        assertThat(driver.findElements(By.cssSelector("#order tbody tr"))).hasSize(100);
        assertThat(driver.findElement(By.id("order-range")).getText()).isEqualTo("1–100 of 250");
        driver.findElement(By.id("order-next")).click();
        assertThat(driver.findElement(By.id("order-range")).getText()).isEqualTo("101–200 of 250");
        driver.findElement(By.id("order-next")).click();
        assertThat(driver.findElements(By.cssSelector("#order tbody tr"))).hasSize(50);
        driver.findElement(By.id("order-filter")).sendKeys("app24");
        assertThat(driver.findElements(By.cssSelector("#order tbody tr"))).extracting(WebElement::getText)
                .hasSize(11).allSatisfy(t -> assertThat(t).contains("app24"));
        driver.findElement(By.id("order-filter")).clear();
        driver.findElement(By.id("order-filter")).sendKeys(" ");
        driver.findElement(By.id("order-filter")).sendKeys(Keys.BACK_SPACE);
        assertThat(driver.findElement(By.id("order-range")).getText()).isEqualTo("1–100 of 250");
        assertThat(driver.findElements(By.cssSelector("#imagetable tbody tr"))).hasSize(12);
        assertThat(scores()).isSortedAccordingTo((a, b) -> b - a);
        WebElement scoreHeader = driver.findElements(By.cssSelector("#order thead th")).get(5);
        scoreHeader.click();
        assertThat(scores()).isSorted();
        scoreHeader.click();
        assertThat(scores()).isSortedAccordingTo((a, b) -> b - a);

        WebElement first = driver.findElement(By.cssSelector("#order tbody tr details"));
        WebElement reasons = first.findElement(By.cssSelector(".drill"));
        assertThat(reasons.isDisplayed()).isFalse();
        first.findElement(By.tagName("summary")).click();
        assertThat(reasons.isDisplayed()).isTrue();
        assertThat(reasons.getText()).contains("+25 reason of app").contains("never admitted <script>");

        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertThat(errors).as("console").isEmpty();
        Path shots = Files.createDirectories(Path.of("target/screenshots"));
        Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(),
                shots.resolve("audit-report.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private List<Integer> scores() {
        return driver.findElements(By.cssSelector("#order tbody tr")).stream()
                .map(r -> Integer.parseInt(r.findElements(By.tagName("td")).get(5).getText().trim())).toList();
    }
}
