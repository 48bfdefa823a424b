// A Go program built by Debian's Go toolchain (static, no cgo) and run
// unmodified in kiln: goroutines hashing in parallel, then a net/http
// server that the host drives with curl until it asks the program to stop.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	sums := make([]string, 8)
	for i := range sums {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			h := sha256.Sum256([]byte(fmt.Sprintf("chunk %d", i)))
			sums[i] = hex.EncodeToString(h[:4])
		}(i)
	}
	wg.Wait()
	fmt.Println("goroutines:", sums)

	quit := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s from go\n", r.URL.Query().Get("name"))
	})
	mux.HandleFunc("/sum", func(w http.ResponseWriter, r *http.Request) {
		// Fan out to goroutines per request, gather through a channel.
		results := make(chan int, 10)
		for i := 1; i <= 10; i++ {
			go func(i int) { results <- i * i }(i)
		}
		total := 0
		for i := 0; i < 10; i++ {
			total += <-results
		}
		fmt.Fprintf(w, "sum of squares: %d\n", total)
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		close(quit)
	})
	srv := &http.Server{Addr: ":8080", Handler: mux}
	go func() {
		if err := srv.ListenAndServe(); err != http.ErrServerClosed {
			fmt.Println("serve:", err)
			os.Exit(1)
		}
	}()
	fmt.Println("go: listening")
	<-quit
	if err := srv.Shutdown(context.Background()); err != nil {
		fmt.Println("shutdown:", err)
		os.Exit(1)
	}
	fmt.Println("go: stopped")
}
