// Command flanks-report builds a Flanks report and downloads it: list the
// report templates, build a report, wait until it is ready, fetch its
// download URL and the file.
//
//	go run ./examples/flanks-report [-template ID] [-out report.pdf]
//
// By default it runs offline against the in-process fake
// (flanks/flankstest), after connecting a TestBank credential so there is
// data to report on; it also shows how a failed build is reported. With
// FLANKS_CLIENT_ID and FLANKS_CLIENT_SECRET set (and optionally
// FLANKS_BASE_URL) it uses the real API and the first template unless
// -template is given.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/bankdata-go/bankdata"
	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flanks/flankstest"
)

func main() {
	template := flag.Int64("template", 0, "report template id (default: the first listed)")
	out := flag.String("out", "", "write the report file here (default: only print its size)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *template, *out); err != nil {
		fmt.Fprintln(os.Stderr, "flanks-report:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, templateID int64, out string) error {
	id, secret := os.Getenv("FLANKS_CLIENT_ID"), os.Getenv("FLANKS_CLIENT_SECRET")
	var fake *flankstest.Server
	var opts []flanks.Option
	if id == "" || secret == "" {
		fake = flankstest.NewServer()
		defer fake.Close()
		id, secret = fake.ClientID, fake.ClientSecret
		opts = append(opts, flanks.WithBaseURL(fake.URL), flanks.WithPollInterval(20*time.Millisecond))
		fmt.Println("Offline: using the in-process fake Flanks API (set FLANKS_CLIENT_ID and FLANKS_CLIENT_SECRET for the real one).")
	} else if base := os.Getenv("FLANKS_BASE_URL"); base != "" {
		opts = append(opts, flanks.WithBaseURL(base))
	}
	c, err := flanks.NewClient(id, secret, opts...)
	if err != nil {
		return err
	}

	if fake != nil {
		tok, err := c.ExchangeLinkCode(ctx, fake.NewLinkCode("1234"))
		if err != nil {
			return err
		}
		if _, err := c.WaitForCredentials(ctx, tok); err != nil {
			return err
		}
		fmt.Println("Connected one TestBank credential.")
	}

	fmt.Println("Templates:")
	for t, err := range c.ListReportTemplates(ctx) {
		if err != nil {
			return err
		}
		fmt.Printf("  %3d  %-20s %s\n", t.TemplateID, t.Name, t.Description)
		if templateID == 0 {
			templateID = t.TemplateID
		}
	}
	if templateID == 0 {
		return errors.New("no report template available")
	}

	end := bankdata.NewDate(time.Now().Year(), time.Now().Month(), time.Now().Day())
	start := bankdata.NewDate(end.Year()-1, end.Month(), end.Day())
	r, err := c.BuildReport(ctx, flanks.BuildReportRequest{TemplateID: templateID, Language: "en", StartDate: start, EndDate: end})
	if err != nil {
		return err
	}
	fmt.Printf("Report %d (template %d) is building...\n", r.ReportID, r.TemplateID)
	if r, err = c.WaitForReport(ctx, r.ReportID); err != nil {
		return err
	}
	fmt.Println("Report status:", r.Status)
	content, err := c.GetReportContent(ctx, r.ReportID)
	if err != nil {
		return err
	}
	n, err := download(ctx, content.URL, out)
	if err != nil {
		return err
	}
	if out != "" {
		fmt.Printf("Downloaded %d bytes to %s.\n", n, out)
	} else {
		fmt.Printf("Downloaded %d bytes (use -out to keep the file).\n", n)
	}

	if fake != nil {
		// The fake's template 999 always fails: this is what a failed build
		// looks like.
		bad, err := c.BuildReport(ctx, flanks.BuildReportRequest{TemplateID: 999})
		if err != nil {
			return err
		}
		_, err = c.WaitForReport(ctx, bad.ReportID)
		var re *flanks.ReportError
		if !errors.As(err, &re) {
			return fmt.Errorf("expected a failed report, got %v", err)
		}
		fmt.Println("A failing template gives:", err)
	}
	return nil
}

// download fetches the pre-signed report URL (no API token) and returns its
// size, writing it to path when path is not empty.
func download(ctx context.Context, url, path string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, errors.New("download failed")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("download failed: HTTP %d", resp.StatusCode)
	}
	var w io.Writer = io.Discard
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		w = f
	}
	return io.Copy(w, resp.Body)
}
