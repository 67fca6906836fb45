/** The broker's `--help` text: the nats-server flags it implements, with its own defaults. */
import { DEFAULT_OPTIONS } from '../server/options.ts';

/** Usage text for `broker --help`. */
export const USAGE = `
Usage: broker [options]

Server Options:
    -a, --addr, --net <host>         Bind to host address (default: ${DEFAULT_OPTIONS.host})
    -p, --port <port>                Use port for clients (default: ${DEFAULT_OPTIONS.port}, -1 for any free port)
    -n, --name
        --server_name <server_name>  Server name (default: auto)
    -m, --http_port <port>           Use port for http monitoring
    -c, --config <file>              Configuration file (nats-server syntax)
    -t                               Test configuration and exit
        --ports_file_dir <dir>       Creates a ports file in the specified directory (<executable_name>_<pid>.ports).

Logging Options:
    -D, --debug                      Enable debugging output
    -V, --trace                      Trace the raw protocol
    -DV                              Debug and trace

Authorization Options:
        --user <user>                User required for connections
        --pass <password>            Password required for connections
        --auth <token>               Authorization token required for connections

TLS Options:
        --tls                        Enable TLS, do not verify clients (default: false)
        --tlscert <file>             Server certificate file
        --tlskey <file>              Private key for server certificate
        --tlsverify                  Enable TLS, verify client certificates
        --tlscacert <file>           Client certificate CA for verification

Common Options:
    -h, --help                       Show this message
    -v, --version                    Show version

Flags are written as in nats-server: -flag, --flag, -flag value or -flag=value.
They override the configuration file. JetStream and clustering need nats-server.
`;
