<?php
/*
 * WordPress's own sanitiser of oEmbed answers (wp_filter_oembed_result, wp-includes/embed.php), run from
 * php-cli on Debian's wordpress package: reads an oEmbed JSON answer on stdin and prints the HTML that
 * WordPress would put in a post for the URL given as the first argument. Only what that function needs
 * is loaded (hooks, formatting, kses, functions); two stubs stand in for a site:
 * - WP_oEmbed knows no provider, as for a provider found by discovery, not a trusted one;
 * - wp_generate_password, from pluggable.php, which needs a configured site.
 */
define('ABSPATH', getenv('WORDPRESS_ROOT') ?: '/usr/share/wordpress/');
define('WPINC', 'wp-includes');
require ABSPATH . WPINC . '/plugin.php';
require ABSPATH . WPINC . '/formatting.php';
require ABSPATH . WPINC . '/kses.php';
require ABSPATH . WPINC . '/functions.php';
require ABSPATH . WPINC . '/embed.php';

class WP_oEmbed {
    public function get_provider($url, $args = array()) {
        return false;
    }
}

function wp_generate_password($length = 12, $special_chars = true, $extra_special_chars = false) {
    return substr(bin2hex(random_bytes($length)), 0, $length);
}

$data = json_decode(stream_get_contents(STDIN));
$html = wp_filter_oembed_result($data->html, $data, $argv[1]);
echo $html === false ? '' : $html;
