// A Rust program built by Debian's rustc (glibc, statically linked) and
// run unmodified in kiln: std::thread workers joined with their results,
// then a std::net TCP server that answers each connection from a thread
// with the bytes it received, reversed.
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;

fn main() {
    let counter = Arc::new(Mutex::new(0u64));
    let workers: Vec<_> = (1..=4u64)
        .map(|i| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                let sum: u64 = (1..=1000u64).map(|x| x * i).sum();
                *counter.lock().unwrap() += 1;
                sum
            })
        })
        .collect();
    let sums: Vec<u64> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    println!("threads: {:?}, {} done", sums, *counter.lock().unwrap());

    let listener = TcpListener::bind("0.0.0.0:7070").expect("bind");
    println!("rust: listening");
    for stream in listener.incoming().take(3) {
        let mut stream = stream.expect("accept");
        let handler = thread::spawn(move || {
            let mut data = Vec::new();
            stream.read_to_end(&mut data).expect("read");
            data.reverse();
            stream.write_all(&data).expect("write");
            data.len()
        });
        println!("rust: reversed {} bytes", handler.join().unwrap());
    }
    println!("rust: done");
}
