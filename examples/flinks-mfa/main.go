// Command flinks-mfa walks through a live Flinks login that the bank
// challenges with security questions (HTTP 203), answers every round, then
// stores the answers (Enhanced MFA) so a later live refresh runs without the
// end user.
//
//	go run ./examples/flinks-mfa                  # offline, against the in-process fake (flinkstest)
//	go run ./examples/flinks-mfa -interactive     # type the answers yourself
//
// With FLINKS_INSTANCE, FLINKS_CUSTOMER_ID, FLINKS_API_KEY and
// FLINKS_SECRET_KEY set, it runs against that instance (the public Toolbox
// serves the same Flinks Capital test bank).
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flinks"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

// Flinks Capital's documented answers (docs.flinks.com, test institution).
var testAnswers = map[string]string{
	"What city were you born in?":        "Montreal",
	"What is the best country on earth?": "Canada",
	"What shape do people like most?":    "Triangle",
}

func main() {
	interactive := flag.Bool("interactive", false, "read the MFA answers from stdin")
	username := flag.String("username", "Greatday", "Flinks Capital username (Greatday asks two rounds, Everyday one)")
	flag.Parse()
	log.SetFlags(0)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	client, offline, done := connect()
	defer done()

	// 1. A live login with credentials: the bank asks questions (203).
	resp, err := client.Authorize(ctx, flinks.AuthorizeRequest{
		Institution: "FlinksCapital", Username: *username, Password: "Everyday", Save: true,
	})
	in := bufio.NewReader(os.Stdin)
	for round := 1; err == nil && resp.NeedsMFA(); round++ {
		fmt.Printf("MFA round %d (HTTP %d):\n", round, resp.HTTPStatusCode)
		answers := map[string][]string{}
		for _, ch := range resp.SecurityChallenges {
			answer := testAnswers[ch.Prompt]
			if *interactive {
				fmt.Printf("  %s ", ch.Prompt)
				line, _ := in.ReadString('\n')
				answer = strings.TrimSpace(line)
			} else {
				fmt.Printf("  %s -> (answered)\n", ch.Prompt)
			}
			answers[ch.Prompt] = []string{answer}
		}
		// Each call mints its own single-use authorize token.
		resp, err = client.Authorize(ctx, resp.Answer(answers))
	}
	switch {
	case sdkerrors.Is(err, sdkerrors.ErrSecurityChallenge):
		log.Fatalf("the bank refused the answers: %v", err)
	case err != nil:
		log.Fatalf("authorize: %v", err)
	}
	loginID := resp.Login.ID
	fmt.Printf("authorized (HTTP %d); keep the LoginId for cached calls\n", resp.HTTPStatusCode)

	// 2. The data of this session.
	summary, err := client.GetAccountsSummary(ctx, flinks.AccountsSummaryRequest{RequestID: resp.RequestID})
	if err != nil {
		log.Fatalf("summary: %v", err)
	}
	for _, a := range summary.Accounts {
		fmt.Printf("  %-24s %-10s %s %s\n", a.Title, a.Category, a.Balance.Current, a.Currency)
	}

	// 3. Enhanced MFA: store the answers so nightly and live refreshes need no one.
	questions, err := client.GetMFAQuestions(ctx, loginID)
	if err != nil {
		if sdkerrors.Is(err, sdkerrors.ErrMethodNotAvailable) {
			fmt.Println("Enhanced MFA is not enabled on this instance; done")
			return
		}
		log.Fatalf("GetMFAQuestions: %v", err)
	}
	stored := make([]flinks.MFAQuestion, 0, len(questions))
	for _, q := range questions {
		stored = append(stored, flinks.MFAQuestion{Question: q.Question, Answer: testAnswers[q.Question]})
	}
	fmt.Printf("storing %d answers: %v\n", len(stored), stored) // MFAQuestion prints the answer redacted
	if err := client.AnswerMFAQuestions(ctx, loginID, stored); err != nil {
		log.Fatalf("AnswerMFAQuestions: %v", err)
	}

	// 4. A live refresh of the saved login: the stored answers are used.
	refresh, err := client.Authorize(ctx, flinks.AuthorizeRequest{LoginID: loginID, MostRecentCached: false, Save: true})
	if err != nil {
		log.Fatalf("live refresh: %v", err)
	}
	fmt.Printf("live refresh needs MFA: %v\n", refresh.NeedsMFA())
	if offline {
		fmt.Println("ok (offline, against flinkstest)")
	}
}

// connect returns a client for the instance in the environment, or for an
// in-process fake when the variables are not all set.
func connect() (client *flinks.Client, offline bool, done func()) {
	instance, cid := os.Getenv("FLINKS_INSTANCE"), os.Getenv("FLINKS_CUSTOMER_ID")
	apiKey, secret := os.Getenv("FLINKS_API_KEY"), os.Getenv("FLINKS_SECRET_KEY")
	if instance != "" && cid != "" && apiKey != "" && secret != "" {
		c, err := flinks.NewClient(cid, flinks.WithInstance(instance), flinks.WithAPIKey(apiKey), flinks.WithSecretKey(secret))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("using Flinks instance", instance)
		return c, false, func() {}
	}
	srv := flinkstest.NewServer()
	c, err := flinks.NewClient(srv.CustomerID, flinks.WithBaseURL(srv.URL), flinks.WithAPIKey(srv.APIKey),
		flinks.WithSecretKey(srv.SecretKey), flinks.WithPollInterval(50*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("offline: using the in-process fake Flinks (set FLINKS_INSTANCE, FLINKS_CUSTOMER_ID, FLINKS_API_KEY, FLINKS_SECRET_KEY for a real instance)")
	return c, true, srv.Close
}
